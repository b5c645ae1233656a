import fc from 'fast-check';
import { ScimError } from '../errors/scim-error';
import { AttributeDefinition, AttributeType, attribute } from './attribute-definition';
import { DropLog, coerceAttributeValue, coerceElement, coerceScalar, isUnassigned } from './coerce-value';
import { UserSchema } from './user-schema';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const core = (name: string) => schema.resolve(schema.core.id, name)!.definition;
const manager = schema.resolve(ENTERPRISE, 'manager')!.definition;
const typed = (type: AttributeType) => attribute('x', type);

function coerce(definition: AttributeDefinition, value: unknown): { value: unknown; dropped: string[] } {
  const log: DropLog = { dropped: [] };
  return { value: coerceAttributeValue(definition, value, definition.name, log), dropped: log.dropped };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('coerceScalar', () => {
  // Entra's default mapping sends `active` as the string output of Switch(...): "True"/"False" (entra-id.md §2.8).
  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    ['True', true],
    ['False', false],
    ['false', false],
    [' TRUE ', true],
    ['fAlSe', false],
  ])('reads boolean %j as %j', (value, expected) => {
    expect(coerceScalar(typed('boolean'), value, 'active')).toBe(expected);
  });

  it.each<[AttributeType, unknown, unknown]>([
    ['integer', 42, 42],
    ['integer', '42', 42],
    ['integer', ' -7 ', -7],
    ['decimal', 1.5, 1.5],
    ['decimal', '2.25', 2.25],
    ['dateTime', '2011-05-13T04:42:34Z', '2011-05-13T04:42:34Z'],
    ['string', ' Ada  Lovelace ', ' Ada  Lovelace '],
    ['string', '', ''],
    ['reference', 'https://login.example.com/bjensen', 'https://login.example.com/bjensen'],
    ['binary', 'MIIDQzCCAqyg', 'MIIDQzCCAqyg'],
  ])('keeps a valid %s %j as %j (stored as sent, never reformatted)', (type, value, expected) => {
    expect(coerceScalar(typed(type), value, 'x')).toEqual(expected);
  });

  it.each<[AttributeType, unknown]>([
    ['boolean', 'yes'],
    ['boolean', '1'],
    ['boolean', 1],
    ['boolean', ''],
    ['boolean', null],
    ['integer', '4.2'],
    ['integer', 4.2],
    ['integer', 'forty'],
    ['integer', ''],
    ['integer', true],
    ['decimal', 'x'],
    ['decimal', Infinity],
    ['dateTime', 'not a date'],
    ['dateTime', 1305261754000],
    ['string', 42],
    ['string', true],
    ['string', { value: 'x' }],
    ['reference', ['https://example.com']],
    ['complex', { value: 'x' }],
  ])('refuses %s %j with 400 invalidValue naming the attribute', (type, value) => {
    const error = thrown(() => coerceScalar(typed(type), value, 'urn:x:Ext:2.0:User:field'));
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect((error as ScimError).detail).toContain('"urn:x:Ext:2.0:User:field"');
  });

  // No User attribute is a dateTime today, so this is latent: Date.parse accepts far more than xsd:dateTime.
  it('refuses dateTime strings that are not xsd:dateTime', () => {
    expect(() => coerceScalar(typed('dateTime'), '13 May 2011', 'x')).toThrow(ScimError);
  });
});

describe('isUnassigned (RFC 7643 §2.5)', () => {
  it.each([
    [null, true],
    [undefined, true],
    [[], true],
    ['', false],
    [false, false],
    [0, false],
    [{}, false],
  ])('%j → %j', (value, expected) => {
    expect(isUnassigned(value)).toBe(expected);
  });
});

describe('coerceAttributeValue', () => {
  it.each([null, undefined, []])('returns undefined for unassigned %j', (value) => {
    expect(coerce(core('emails'), value)).toEqual({ value: undefined, dropped: [] });
    expect(coerce(core('displayName'), value)).toEqual({ value: undefined, dropped: [] });
  });

  it.each<[string, unknown, unknown]>([
    ['one object', { value: 'ada@contoso.com', type: 'work' }, [{ value: 'ada@contoso.com', type: 'work' }]],
    ['a bare value', 'ada@contoso.com', [{ value: 'ada@contoso.com' }]],
    ['bare values', ['a@x', 'b@x'], [{ value: 'a@x' }, { value: 'b@x' }]],
    ['an array', [{ value: 'a@x', primary: 'True' }], [{ value: 'a@x', primary: true }]],
  ])('wraps %s of a multi-valued attribute in an array', (_case, value, expected) => {
    expect(coerce(core('emails'), value).value).toEqual(expected);
  });

  it('leaves out elements with nothing assigned, and the attribute when none is left', () => {
    expect(coerce(core('emails'), [{}, null, { value: 'a@x' }, { type: null }]).value).toEqual([{ value: 'a@x' }]);
    expect(coerce(core('emails'), [{}, { primary: null }]).value).toBeUndefined();
  });

  it('gives sub-attributes their canonical names', () => {
    expect(coerce(core('name'), { GIVENNAME: 'Ada', familyname: 'Lovelace' }).value).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
  });

  it.each<[string, unknown, unknown]>([
    // entra-id.md §2.7: Entra sends the manager's id as a plain string.
    ['a bare id string', '271', { value: '271' }],
    ['a bare number', 271, { value: '271' }],
    ['{value}', { value: '271' }, { value: '271' }],
    // The tutorial's historic [{$ref, value}] shape: one element, unwrapped (the $ref is kept as sent, as PATCH does).
    ['[{$ref, value}]', [{ $ref: '../Users/271', value: '271' }], { value: '271', $ref: '../Users/271' }],
    ['"" (no manager)', '', undefined],
    ['[] (no manager)', [], undefined],
  ])('reads manager given as %s', (_case, value, expected) => {
    expect(coerce(manager, value).value).toEqual(expected);
  });

  it('refuses a complex attribute given a scalar it cannot wrap', () => {
    expect(() => coerce(core('name'), 'Ada Lovelace')).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
    expect(() => coerce(manager, [{ value: '1' }, { value: '2' }])).toThrow(ScimError);
  });

  it('drops unknown sub-attributes and logs their full names', () => {
    expect(coerce(core('emails'), [{ value: 'a@x', label: 'main' }, { value: 'b@x', Verified: true }])).toEqual({
      value: [{ value: 'a@x' }, { value: 'b@x' }],
      dropped: ['emails.label', 'emails.Verified'],
    });
  });

  // RFC 7643 §2.2: readOnly values sent by a client are ignored, not errors.
  it('ignores readOnly sub-attributes without logging them', () => {
    expect(coerce(manager, { value: '271', displayName: 'Boss' })).toEqual({ value: { value: '271' }, dropped: [] });
    expect(coerce(core('groups'), [{ value: 'g1', display: 'Admins' }])).toEqual({ value: undefined, dropped: [] });
  });

  it('reports the path of a bad sub-attribute value', () => {
    expect(() => coerce(core('emails'), [{ value: 'a@x', primary: 'maybe' }])).toThrow('"emails.primary" must be a boolean');
  });

  it('coerces one element with coerceElement', () => {
    const log: DropLog = { dropped: [] };
    expect(coerceElement(core('phoneNumbers'), '+44 20 7946 0000', 'phoneNumbers', log)).toEqual({ value: '+44 20 7946 0000' });
    expect(coerceElement(core('active'), 'False', 'active', log)).toBe(false);
    expect(coerceElement(core('active'), null, 'active', log)).toBeUndefined();
  });
});

describe('coercion is idempotent', () => {
  const definitions = schema.all.flatMap((s) => s.attributes);
  const scalar = fc.oneof(
    fc.boolean(),
    fc.constantFrom('True', 'false', ' TRUE ', '', ' ', '2011-05-13T04:42:34Z', '42'),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 6 }),
    fc.constant(null),
  );
  const element = (definition: AttributeDefinition): fc.Arbitrary<unknown> => {
    const names = (definition.subAttributes ?? []).flatMap((s) => [s.name, s.name.toUpperCase()]);
    return definition.type === 'complex'
      ? fc.oneof(scalar, fc.dictionary(fc.constantFrom(...names, 'unknownSub'), scalar, { maxKeys: 4 }))
      : scalar;
  };
  const attributeAndValue = fc
    .constantFrom(...definitions)
    .chain((definition) => fc.tuple(fc.constant(definition), fc.oneof(element(definition), fc.array(element(definition), { maxLength: 3 }))));

  it('coercing an already-coerced value changes nothing and drops nothing', () => {
    let coerced = 0;
    fc.assert(
      fc.property(attributeAndValue, ([definition, raw]) => {
        let once: unknown;
        try {
          once = coerce(definition, raw).value;
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          return;
        }
        coerced++;
        expect(coerce(definition, once)).toStrictEqual({ value: once, dropped: [] });
      }),
      { numRuns: 1000 },
    );
    expect(coerced).toBeGreaterThan(200);
  });
});

describe('custom attributes of each registered type (Entra customappsso types)', () => {
  const typedSchema = UserSchema.withCustomAttributes([
    { name: 'Badge', type: 'integer' },
    { name: 'Rate', type: 'decimal' },
    { name: 'Remote', type: 'boolean' },
    { name: 'HiredAt', type: 'dateTime' },
    'JobCode',
    { name: `${CUSTOM}:Level`, type: 'integer' },
  ]);
  const definition = (urn: string | undefined, name: string) => typedSchema.resolve(urn, name)!.definition;

  it.each<[string, unknown, unknown]>([
    ['Badge', 42, 42],
    // Entra's PATCH values are strings (as for "True"): a numeric string is stored as the number.
    ['Badge', '42', 42],
    ['Badge', ' -7 ', -7],
    ['Badge', '+3', 3],
    ['Badge', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['Rate', 1.5, 1.5],
    ['Rate', '2.25', 2.25],
    ['Rate', '.5', 0.5],
    ['Rate', '-1e3', -1000],
    ['Rate', 7, 7],
    ['Remote', 'True', true],
    ['Remote', 'false', false],
    ['Remote', true, true],
    ['HiredAt', '2024-01-15T10:00:00Z', '2024-01-15T10:00:00Z'],
    ['HiredAt', '2024-01-15T10:00:00.123+01:00', '2024-01-15T10:00:00.123+01:00'],
    ['JobCode', 'J-1', 'J-1'],
  ])('%s: %j is stored as %j', (name, value, expected) => {
    expect(coerce(definition(undefined, name), value)).toEqual({ value: expected, dropped: [] });
  });

  it.each<[string | undefined, string, unknown, string]>([
    [undefined, 'Badge', '4.2', 'an integer'],
    [undefined, 'Badge', 4.2, 'an integer'],
    [undefined, 'Badge', '0x10', 'an integer'],
    [undefined, 'Badge', '1e3', 'an integer'],
    [undefined, 'Badge', '', 'an integer'],
    [undefined, 'Badge', '9007199254740993', 'an integer'],
    [undefined, 'Badge', 2 ** 53, 'an integer'],
    [undefined, 'Badge', true, 'an integer'],
    [undefined, 'Rate', '0x10', 'a decimal number'],
    [undefined, 'Rate', 'Infinity', 'a decimal number'],
    [undefined, 'Rate', '1e400', 'a decimal number'],
    [undefined, 'Rate', '1,5', 'a decimal number'],
    [undefined, 'Rate', 'NaN', 'a decimal number'],
    [undefined, 'Remote', 'yes', 'a boolean'],
    [undefined, 'HiredAt', '15/01/2024', 'an xsd:dateTime'],
    [undefined, 'HiredAt', 1705312800000, 'an xsd:dateTime'],
    [undefined, 'JobCode', 42, 'a string'],
    [CUSTOM, 'Level', 'high', 'an integer'],
  ])('%s %s: %j is a 400 invalidValue naming the attribute and its type', (urn, name, value, kind) => {
    const path = urn === undefined ? name : `${urn}:${name}`;
    const error = thrown(() => coerceAttributeValue(definition(urn, name), value, path, { dropped: [] }));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect((error as ScimError).detail).toContain(`"${path}" must be ${kind}`);
  });

  it('stores every safe integer, sent as a number or a string, as that number', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.boolean(), (n, asString) => {
        expect(coerce(definition(undefined, 'Badge'), asString ? String(n) : n).value).toBe(n);
      }),
    );
  });

  it('stores every finite decimal, sent as a number or its JSON text, as that number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), (d, asString) => {
        // JSON has no -0: its text "0" reads back as 0.
        const sent = asString ? JSON.stringify(d) : d;
        expect(coerce(definition(undefined, 'Rate'), sent).value).toBe(asString ? Number(sent) : d);
      }),
    );
  });
});
