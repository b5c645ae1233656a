import fc from 'fast-check';
import { ScimError } from '../errors/scim-error';
import { normalizeResource } from '../resource/normalize-resource';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyChanges, applyPatch } from './apply-patch';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
// JobCode twice: a plain name (top level) and a full name (in its extension), as an Entra app may map both.
const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`, 'JobCode', { name: 'Badge', type: 'integer' }]);
const numRuns = 200;

const text = fc.string({ maxLength: 6 });
const id = fc.stringMatching(/^[A-Za-z0-9-]{1,8}$/);
const bool = fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'true', 'false', 'TRUE'));
const emailType = fc.constantFrom('work', 'home', 'other', 'Work');
const email = fc.record({ type: emailType, value: text, primary: fc.boolean() }, { requiredKeys: ['value'] });
const manager = fc.oneof(id, id.map((value) => ({ value })), id.map((value) => [{ $ref: `../Users/${value}`, value }]));

const user: fc.Arbitrary<UserAttributes> = fc
  .record(
    {
      userName: id,
      displayName: text,
      active: fc.boolean(),
      name: fc.record({ givenName: text, familyName: text }, { requiredKeys: [] }),
      emails: fc.array(email, { maxLength: 4 }),
      phoneNumbers: fc.array(fc.record({ type: fc.constantFrom('work', 'mobile'), value: text }), { maxLength: 2 }),
      roles: fc.array(fc.record({ value: text, primary: fc.boolean() }), { maxLength: 2 }),
      [ENTERPRISE]: fc.record({ department: text, manager: id.map((value) => ({ value })) }, { requiredKeys: [] }),
      [CUSTOM]: fc.record({ JobCode: text }, { requiredKeys: [] }),
      JobCode: text,
      Badge: fc.integer(),
    },
    { requiredKeys: ['userName'] },
  )
  .map((body) => normalizeResource(schema, body).attributes);

/** Single-valued targets, each with values it accepts. */
const singleValued: readonly (readonly [string, fc.Arbitrary<unknown>])[] = [
  ['displayName', text],
  ['nickName', text],
  ['name.givenName', text],
  ['active', bool],
  [`${ENTERPRISE}:department`, text],
  [`${CUSTOM}:JobCode`, text],
  ['JobCode', text],
  // Entra may send an integer as a JSON number or a numeric string; both are stored as the number.
  ['Badge', fc.oneof(fc.integer(), fc.integer().map(String))],
  ['manager', manager],
  [`${ENTERPRISE}:manager`, manager],
];
const setters: readonly (readonly [string, fc.Arbitrary<unknown>])[] = [
  ...singleValued,
  ['emails[type eq "work"].value', text],
  ['emails[type eq "home"].value', text],
  ['phoneNumbers[type eq "mobile"].value', text],
  ['addresses[type eq "work"].locality', text],
  ['roles[primary eq "True"].value', text],
  ['emails', fc.array(email, { maxLength: 3 })],
  ['name', fc.record({ givenName: text, middleName: text }, { requiredKeys: [] })],
];
const addOrReplace = fc.constantFrom('add', 'Add', 'replace', 'Replace', 'REPLACE');
const withPath = fc
  .constantFrom(...setters)
  .chain(([path, value]) => fc.record({ op: addOrReplace, path: fc.constant(path), value }));
// Keys of one path-less value target different attributes, or their order would decide the outcome.
const withoutPath = fc
  .subarray(setters.filter(([path]) => path !== 'emails'), { minLength: 1 })
  .chain((picked) => fc.tuple(addOrReplace, fc.tuple(...picked.map(([path, value]) => value.map((v) => [path, v] as const)))))
  .map(([op, entries]) => ({ op, value: Object.fromEntries(entries) }));
const removal = fc.constantFrom(...setters.map(([path]) => path), 'emails[type eq "home"]', 'emails.primary', ENTERPRISE).map((path) => ({ op: 'remove', path }));
const operation: fc.Arbitrary<PatchOperation> = fc.oneof(withPath, withoutPath, removal);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) Object.values(value).forEach(deepFreeze);
  return Object.freeze(value);
}

describe('applyPatch properties (fast-check)', () => {
  it('applying the same add/replace twice changes nothing the second time', () => {
    fc.assert(
      fc.property(user, fc.oneof(withPath, withoutPath), (before, op) => {
        const first = applyPatch(schema, before, [op]);
        const second = applyPatch(schema, first.attributes, [op]);
        expect(second.changes).toEqual([]);
        expect(second.attributes).toEqual(first.attributes);
      }),
      { numRuns },
    );
  });

  it('replace then remove of a single-valued attribute leaves it absent', () => {
    const pick = fc.constantFrom(...singleValued).chain(([path, value]) => fc.tuple(fc.constant(path), value));
    fc.assert(
      fc.property(user, pick, (before, [path, value]) => {
        const { attributes } = applyPatch(schema, before, [{ op: 'Replace', path, value }, { op: 'Remove', path }]);
        const enterprise = attributes[ENTERPRISE] as Record<string, unknown> | undefined;
        const found: Record<string, unknown> = {
          displayName: attributes.displayName,
          nickName: attributes.nickName,
          'name.givenName': (attributes.name as Record<string, unknown> | undefined)?.givenName,
          active: attributes.active,
          [`${ENTERPRISE}:department`]: enterprise?.department,
          [`${CUSTOM}:JobCode`]: (attributes[CUSTOM] as Record<string, unknown> | undefined)?.JobCode,
          JobCode: attributes.JobCode,
          Badge: attributes.Badge,
          manager: enterprise?.manager,
          [`${ENTERPRISE}:manager`]: enterprise?.manager,
        };
        expect(found[path]).toBeUndefined();
      }),
      { numRuns },
    );
  });

  it('applyChanges(original, changes) rebuilds the patched attributes', () => {
    fc.assert(
      fc.property(user, fc.array(operation, { maxLength: 6 }), (before, operations) => {
        const result = applyPatch(schema, before, operations);
        expect(applyChanges(before, result.changes)).toEqual(result.attributes);
        expect(new Set(result.changes.map((c) => c.attribute)).size).toBe(result.changes.length);
      }),
      { numRuns },
    );
  });

  it('never mutates its input', () => {
    fc.assert(
      fc.property(user, fc.array(operation, { maxLength: 6 }), (before, operations) => {
        const snapshot = structuredClone(before);
        applyPatch(schema, deepFreeze(before), operations);
        expect(before).toEqual(snapshot);
      }),
      { numRuns },
    );
  });

  it('a plain and a full custom attribute of the same name never touch each other', () => {
    fc.assert(
      // "" would mean remove (Entra's "Replace with empty").
      fc.property(user, addOrReplace, fc.boolean(), fc.string({ minLength: 1, maxLength: 6 }), (before, op, plain, value) => {
        const path = plain ? 'JobCode' : `${CUSTOM}:JobCode`;
        const { attributes } = applyPatch(schema, before, [{ op, path, value }]);
        const inExtension = (a: UserAttributes) => (a[CUSTOM] as Record<string, unknown> | undefined)?.JobCode;
        if (plain) expect([attributes.JobCode, inExtension(attributes)]).toEqual([value, inExtension(before)]);
        else expect([attributes.JobCode, inExtension(attributes)]).toEqual([before.JobCode, value]);
      }),
      { numRuns },
    );
  });

  it('an unregistered plain name, with or without path, is dropped and changes nothing', () => {
    const unregistered = fc.constantFrom('CompanyID', 'RegionName', 'companyid');
    const op = fc.oneof(
      fc.tuple(addOrReplace, unregistered, text).map(([kind, name, value]) => ({ op: kind, path: name, value })),
      fc.tuple(addOrReplace, unregistered, text).map(([kind, name, value]) => ({ op: kind, value: { [name]: value } })),
      unregistered.map((name) => ({ op: 'Remove', path: name })),
    );
    fc.assert(
      fc.property(user, op, (before, operation) => {
        const result = applyPatch(schema, before, [operation]);
        expect(result.changes).toEqual([]);
        expect(result.dropped).toHaveLength(1);
        expect(result.dropped[0]).toMatch(/^(CompanyID|RegionName|companyid)$/);
      }),
      { numRuns },
    );
  });

  it('a replace on emails[type eq "X"].value never changes emails of other types', () => {
    fc.assert(
      fc.property(user, fc.constantFrom('work', 'home', 'other'), text, (before, type, value) => {
        const { attributes } = applyPatch(schema, before, [{ op: 'Replace', path: `emails[type eq "${type}"].value`, value }]);
        const others = (emails: unknown) =>
          ((emails as Record<string, unknown>[] | undefined) ?? []).filter((e) => String(e.type ?? '').toLowerCase() !== type);
        expect(others(attributes.emails)).toEqual(others(before.emails));
      }),
      { numRuns },
    );
  });

  it('stores only JSON, without empty objects, empty arrays or dotted names', () => {
    const isEmpty = (v: unknown): boolean =>
      Array.isArray(v) ? v.length === 0 || v.some(isEmpty) : typeof v === 'object' && v !== null ? Object.keys(v).length === 0 || Object.values(v).some(isEmpty) : v === null;
    fc.assert(
      fc.property(user, fc.array(operation, { maxLength: 6 }), (before, operations) => {
        const { attributes } = applyPatch(schema, before, operations);
        expect(JSON.parse(JSON.stringify(attributes))).toEqual(attributes);
        expect(Object.values(attributes).some(isEmpty)).toBe(false);
        expect(Object.keys(attributes).filter((k) => !k.startsWith('urn:') && k.includes('.'))).toEqual([]);
      }),
      { numRuns },
    );
  });

  it('fails only with a ScimError, whatever the operations', () => {
    const path = fc.oneof(fc.constantFrom(...setters.map(([p]) => p), 'id', 'groups', 'foo', 'name.foo', 'emails[', ENTERPRISE, `${CUSTOM}:X`), fc.string());
    const anyOperation = fc.record(
      { op: fc.oneof(fc.constantFrom('add', 'replace', 'remove', 'Remove', 'move'), fc.anything()), path: fc.oneof(path, fc.anything()), value: fc.jsonValue() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(user, fc.array(anyOperation, { maxLength: 4 }), (before, operations) => {
        try {
          applyPatch(schema, before, operations as PatchOperation[]);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
        }
      }),
      { numRuns },
    );
  });
});
