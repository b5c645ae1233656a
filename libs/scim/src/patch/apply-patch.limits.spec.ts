import { ScimError } from '../errors/scim-error';
import { DEFAULT_SCIM_LIMITS, ScimLimits } from '../limits/scim-limits';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyPatch } from './apply-patch';

const schema = UserSchema.withCustomAttributes();
const BUDGET = /budget of 10000 element visits \(SCIM_MAX_PATCH_OPERATIONS × SCIM_MAX_MULTI_VALUED_ELEMENTS\)/;

function userWithEmails(count: number): UserAttributes {
  return { userName: 'ada', emails: Array.from({ length: count }, (_, i) => ({ type: `t${i}`, value: `ada${i}@example.com` })) };
}

/** One filtered operation per email: each evaluates its filter on every element. */
function replaceEach(count: number): PatchOperation[] {
  return Array.from({ length: count }, (_, i) => ({ op: 'replace', path: `emails[type eq "t${i}"].value`, value: `new${i}@example.com` }));
}

function failure(attributes: UserAttributes, operations: PatchOperation[], limits: ScimLimits = DEFAULT_SCIM_LIMITS): ScimError {
  try {
    applyPatch(schema, attributes, operations, limits);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected the PATCH to be refused');
}

describe('applyPatch: limits', () => {
  it('refuses more operations than maxPatchOperations', () => {
    const error = failure(userWithEmails(1), replaceEach(101));
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toBe('The PATCH has 101 operations, over the 100-operation limit (SCIM_MAX_PATCH_OPERATIONS)');
  });

  it('refuses a path over maxFilterLength as a filter', () => {
    const error = failure(userWithEmails(1), [{ op: 'replace', path: `emails[value eq "${'x'.repeat(1100)}"]`, value: 'a' }]);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toMatch(/path is longer than the 1024-character limit \(SCIM_MAX_FILTER_LENGTH\)/);
  });

  it('refuses a path filter over maxFilterNodes', () => {
    const filter = Array.from({ length: 26 }, (_, i) => `type eq "t${i}"`).join(' or ');
    const error = failure(userWithEmails(1), [{ op: 'remove', path: `emails[${filter}]` }]);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toMatch(/SCIM_MAX_FILTER_NODES/);
  });

  it('refuses a value with a list or string over its limit', () => {
    const emails = Array.from({ length: 101 }, (_, i) => ({ value: `a${i}@example.com` }));
    expect(failure(userWithEmails(0), [{ op: 'add', path: 'emails', value: emails }]).detail).toMatch(
      /"Operations\[0\].value" has 101 elements, over the 100-element limit \(SCIM_MAX_MULTI_VALUED_ELEMENTS\)/,
    );
    expect(failure(userWithEmails(0), [{ op: 'replace', value: { displayName: 'd'.repeat(2049) } }]).detail).toMatch(
      /"Operations\[0\].value.displayName" is longer than the 2048-character limit \(SCIM_MAX_STRING_LENGTH\)/,
    );
  });

  it('completes the costliest PATCH the default limits allow: 100 filtered operations on 100 elements', () => {
    const result = applyPatch(schema, userWithEmails(100), replaceEach(100), DEFAULT_SCIM_LIMITS);
    expect((result.attributes.emails as { value: string }[]).map((e) => e.value)).toEqual(
      Array.from({ length: 100 }, (_, i) => `new${i}@example.com`),
    );
  });

  it('counts the work exactly: one element more than that allows is over the budget, refused up front', () => {
    const error = failure(userWithEmails(101), replaceEach(100));
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toMatch(/100 operations on a user with a list of 101 elements/);
    expect(error.detail).toMatch(BUDGET);
  });

  it('refuses up front the PATCH that froze the event loop: 2,000 filtered operations on a user with 10,000 emails', () => {
    const legacy = userWithEmails(10_000);
    expect(failure(legacy, replaceEach(2000)).detail).toMatch(/SCIM_MAX_PATCH_OPERATIONS/);
    expect(failure(legacy, replaceEach(2)).detail).toMatch(BUDGET);
  });

  it('still lets one operation change a user stored with more elements than allowed now', () => {
    const result = applyPatch(schema, userWithEmails(10_000), [{ op: 'replace', path: 'emails[type eq "t9999"].value', value: 'z@example.com' }]);
    expect((result.attributes.emails as { value: string }[])[9999].value).toBe('z@example.com');
  });

  it('stops a PATCH whose lists grow within it as soon as its visits exceed the budget', () => {
    const grow: PatchOperation = { op: 'add', path: 'emails', value: Array.from({ length: 100 }, (_, i) => ({ type: `t${i}`, value: `b${i}@x` })) };
    expect(failure(userWithEmails(0), [grow, ...replaceEach(99)]).detail).toMatch(/The PATCH needs more work than the budget/);
  });

  it('counts value comparisons of add and remove too', () => {
    const limits = { ...DEFAULT_SCIM_LIMITS, maxPatchOperations: 2, maxMultiValuedElements: 10 };
    const items = Array.from({ length: 10 }, (_, i) => ({ value: `c${i}@x` }));
    // Adding 10 values to 10 compares each with every value already there: 10 × 10 up to 10 × 19 visits.
    expect(failure(userWithEmails(10), [{ op: 'add', path: 'emails', value: items }], limits).detail).toMatch(/budget of 20 element visits/);
    // Removing 3 values from 10 compares each pattern with every element: 30 visits.
    expect(failure(userWithEmails(10), [{ op: 'remove', path: 'emails', value: items.slice(0, 3) }], limits).detail).toMatch(/budget of 20 element visits/);
    expect(() => applyPatch(schema, userWithEmails(10), [{ op: 'remove', path: 'emails', value: items.slice(0, 2) }], limits)).not.toThrow();
  });
});
