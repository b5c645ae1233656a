import { ScimError } from '../errors/scim-error';
import { checkResourceLimits } from './resource-limits';
import { DEFAULT_SCIM_LIMITS, ScimLimits } from './scim-limits';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const limits: ScimLimits = { ...DEFAULT_SCIM_LIMITS, maxIndexedStringLength: 16, maxStringLength: 32, maxMultiValuedElements: 2, maxResourceBytes: 1024 };
const ada = { userName: 'ada', externalId: 'ada-1', emails: [{ value: 'ada@example.com', type: 'work' }], displayName: 'Ada' };

function failure(before: Record<string, unknown> | undefined, after: Record<string, unknown>): ScimError {
  try {
    checkResourceLimits(before, after, limits);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected the write to be refused');
}

describe('checkResourceLimits', () => {
  it('accepts a user within every limit', () => {
    expect(() => checkResourceLimits(undefined, ada, limits)).not.toThrow();
  });

  it.each([
    ['userName', { ...ada, userName: 'u'.repeat(17) }, /^userName is longer than the 16-character limit \(SCIM_MAX_INDEXED_STRING_LENGTH\)$/],
    ['externalId', { ...ada, externalId: 'e'.repeat(17) }, /^externalId is longer than the 16-character limit \(SCIM_MAX_INDEXED_STRING_LENGTH\)$/],
    ['an emails value', { ...ada, emails: [{ value: 'a'.repeat(17) }] }, /emails value is longer than the 16-character limit \(SCIM_MAX_INDEXED_STRING_LENGTH\)/],
    ['any other string', { ...ada, [ENTERPRISE]: { department: 'd'.repeat(33) } }, /"urn:.*department" is longer than the 32-character limit \(SCIM_MAX_STRING_LENGTH\)/],
    ['a list', { ...ada, phoneNumbers: [{ value: '1' }, { value: '2' }, { value: '3' }] }, /"phoneNumbers" has 3 elements, over the 2-element limit \(SCIM_MAX_MULTI_VALUED_ELEMENTS\)/],
    ['the resource size', { ...ada, a: 'x'.repeat(30), b: 'x'.repeat(30), ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v'.repeat(30)])) }, /The user would be \d+ bytes as JSON, over the 1024-byte limit \(SCIM_MAX_RESOURCE_BYTES\)/],
  ])('refuses a new user with an oversized %s, naming the limit', (_label, after, detail) => {
    const error = failure(undefined, after);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toMatch(detail);
  });

  it('refuses a change that makes an attribute oversized', () => {
    expect(failure(ada, { ...ada, userName: 'u'.repeat(17) }).detail).toMatch(/SCIM_MAX_INDEXED_STRING_LENGTH/);
  });

  it('lets a user stored before the limits change what is within them, and shrink', () => {
    const legacy = { ...ada, userName: 'u'.repeat(40), emails: [{ value: 'a' }, { value: 'b' }, { value: 'c' }], title: 't'.repeat(2000) };
    expect(() => checkResourceLimits(legacy, { ...legacy, displayName: 'Eve', active: false }, limits)).not.toThrow();
    const { title: _title, ...smaller } = legacy;
    expect(() => checkResourceLimits(legacy, smaller, limits)).not.toThrow();
  });

  it('refuses a write that grows a user already over the size limit', () => {
    const legacy = { ...ada, title: 't'.repeat(2000) };
    expect(failure(legacy, { ...legacy, displayName: 'Ada Augusta King' }).detail).toMatch(/SCIM_MAX_RESOURCE_BYTES/);
  });
});
