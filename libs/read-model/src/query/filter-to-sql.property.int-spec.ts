import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { ScimError } from '@app/scim/errors/scim-error';
import { AttributePath, CompareOperator, Filter, FilterValue } from '@app/scim/filter/filter-ast';
import { and, compare, not, or, pr, valuePath } from '@app/scim/filter/filter-builders';
import fc from 'fast-check';
import { compileFilter } from './filter-to-sql';
import { CUSTOM, ENTERPRISE, P1_USERS, TEST_SCHEMA, TEST_USERS, TestUser, openTestReadModel } from './scim-users.fixture';

// An independent evaluator of SCIM filter semantics over the fixture objects, to check the SQL against.

type Kind = 'string' | 'boolean' | 'dateTime';
type Holder = Record<string, unknown>;

interface Field {
  readonly path: string;
  readonly kind: Kind;
  readonly caseExact: boolean;
  /** The comparable values: one for a single-valued attribute, one per element for a multi-valued one. */
  readonly values: (holder: Holder) => unknown[];
  readonly present: (holder: Holder) => boolean;
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value !== 'object' || Object.keys(value).length > 0;
}

const get = (holder: unknown, key: string): unknown =>
  typeof holder === 'object' && holder !== null && !Array.isArray(holder) ? (holder as Holder)[key] : undefined;
const attrs = (holder: Holder) => holder.attributes as Holder;
const emails = (holder: Holder): unknown[] => (Array.isArray(attrs(holder).emails) ? (attrs(holder).emails as unknown[]) : []);

function single(path: string, kind: Kind, caseExact: boolean, read: (h: Holder) => unknown, whole = read): Field {
  return { path, kind, caseExact, values: (h) => [read(h)], present: (h) => isPresent(whole(h)) };
}

const ROOT_FIELDS: readonly Field[] = [
  single('userName', 'string', false, (h) => attrs(h).userName),
  single('externalId', 'string', true, (h) => attrs(h).externalId),
  single('name.givenName', 'string', false, (h) => get(attrs(h).name, 'givenName')),
  single('displayName', 'string', false, (h) => attrs(h).displayName),
  single('title', 'string', false, (h) => attrs(h).title),
  single('active', 'boolean', false, (h) => attrs(h).active),
  { path: 'emails', kind: 'string', caseExact: false, values: (h) => emails(h).map((e) => get(e, 'value')), present: (h) => isPresent(attrs(h).emails) },
  { path: 'emails.type', kind: 'string', caseExact: false, values: (h) => emails(h).map((e) => get(e, 'type')), present: (h) => emails(h).some((e) => isPresent(get(e, 'type'))) },
  { path: 'emails.primary', kind: 'boolean', caseExact: false, values: (h) => emails(h).map((e) => get(e, 'primary')), present: (h) => emails(h).some((e) => isPresent(get(e, 'primary'))) },
  single(`${ENTERPRISE}:manager`, 'string', true, (h) => get(get(attrs(h)[ENTERPRISE], 'manager'), 'value'), (h) => get(attrs(h)[ENTERPRISE], 'manager')),
  single('department', 'string', false, (h) => get(attrs(h)[ENTERPRISE], 'department')),
  single(`${CUSTOM}:JobCode`, 'string', false, (h) => get(attrs(h)[CUSTOM], 'JobCode')),
  single('meta.created', 'dateTime', true, (h) => h.created),
  single('id', 'string', true, (h) => h.id),
];

const EMAIL_FIELDS: readonly Field[] = [
  single('type', 'string', false, (e) => e.type),
  single('value', 'string', false, (e) => e.value),
  single('primary', 'boolean', false, (e) => e.primary),
];

function pathText(path: AttributePath): string {
  const name = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.schema === undefined ? name : `${path.schema}:${name}`;
}

function matches(field: Field, op: CompareOperator, actual: unknown, literal: Exclude<FilterValue, null>): boolean {
  if (actual === undefined || actual === null) return false;
  if (field.kind === 'boolean') return actual === (String(literal).toLowerCase() === 'true');
  const [a, b] =
    field.kind === 'dateTime'
      ? [Date.parse(String(actual)), Date.parse(String(literal))]
      : [String(actual), String(literal)].map((s) => (field.caseExact ? s : s.toLowerCase()));
  switch (op) {
    case 'eq': return a === b;
    case 'co': return String(a).includes(String(b));
    case 'sw': return String(a).startsWith(String(b));
    case 'ew': return String(a).endsWith(String(b));
    case 'gt': return a > b;
    case 'ge': return a >= b;
    case 'lt': return a < b;
    case 'le': return a <= b;
    default: throw new Error(`unexpected ${op}`);
  }
}

function evaluate(filter: Filter, holder: Holder, fields: readonly Field[]): boolean {
  const field = (path: AttributePath) => fields.find((f) => f.path === pathText(path))!;
  switch (filter.kind) {
    case 'and': return evaluate(filter.left, holder, fields) && evaluate(filter.right, holder, fields);
    case 'or': return evaluate(filter.left, holder, fields) || evaluate(filter.right, holder, fields);
    case 'not': return !evaluate(filter.filter, holder, fields);
    case 'present': return field(filter.path).present(holder);
    case 'valuePath':
      return emails(holder).some((e) => typeof e === 'object' && e !== null && evaluate(filter.filter, e as Holder, EMAIL_FIELDS));
    case 'compare': {
      const f = field(filter.path);
      const { op, value } = filter;
      if (value === null) return op === 'eq' ? !f.present(holder) : f.present(holder);
      if (op === 'ne') return !f.values(holder).some((v) => matches(f, 'eq', v, value));
      return f.values(holder).some((v) => matches(f, op, v, value));
    }
  }
}

// Literals drawn from the data (in other cases, cut short), and as often LIKE metacharacters and quoting traps.
const DATA_STRINGS = [
  ...new Set(
    TEST_USERS.flatMap((u) => ROOT_FIELDS.filter((f) => f.kind === 'string').flatMap((f) => f.values(u as unknown as Holder)))
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => [v, v.toUpperCase(), v.slice(0, 3), v.slice(-4)]),
  ),
  'work', 'HOME', 'other',
];
const TRAPS = ['%', '_', '%_', '_a', 'e_', '\\', "'", "x' OR 1=1 --", '', 'a', 'S'];
const DATES = [
  ...TEST_USERS.map((u) => u.created),
  '2024-01-10T08:00:00.001Z', '2024-01-10T09:00:00+01:00', '2024-06-15T00:00:00Z', '2024-03-04T23:59:59Z',
];
const OPS: Record<Kind, CompareOperator[]> = {
  string: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
  boolean: ['eq', 'ne'],
};
const LITERALS: Record<Kind, fc.Arbitrary<FilterValue>> = {
  string: fc.oneof(fc.constantFrom(...DATA_STRINGS), fc.constantFrom(...TRAPS)),
  dateTime: fc.constantFrom(...DATES),
  boolean: fc.constantFrom<FilterValue>(true, false, 'True', 'false'),
};

function leafOver(fields: readonly Field[]): fc.Arbitrary<Filter> {
  const comparison = fc.constantFrom(...fields).chain((f) =>
    fc
      .tuple(fc.constantFrom(...OPS[f.kind]), fc.oneof({ weight: 9, arbitrary: LITERALS[f.kind] }, { weight: 1, arbitrary: fc.constant<FilterValue>(null) }))
      .map(([op, value]) => compare(f.path, value === null ? (op === 'ne' ? 'ne' : 'eq') : op, value)),
  );
  const presence = fc.constantFrom(...fields).map((f) => pr(f.path));
  return fc.oneof({ weight: 4, arbitrary: comparison }, { weight: 1, arbitrary: presence });
}

function filterOver(fields: readonly Field[], inner?: fc.Arbitrary<Filter>): fc.Arbitrary<Filter> {
  const leaves = inner ? fc.oneof({ weight: 4, arbitrary: leafOver(fields) }, { weight: 1, arbitrary: inner.map((f) => valuePath('emails', f)) }) : leafOver(fields);
  return fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'filter' },
      leaves,
      fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => and(l, r)),
      fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => or(l, r)),
      tie('filter').map((f) => not(f)),
    ),
  })).filter;
}

const FILTERS = filterOver(ROOT_FIELDS, filterOver(EMAIL_FIELDS));

let db: PgliteDatabase;
beforeAll(async () => {
  db = await openTestReadModel();
});
afterAll(() => db.close());

async function run(filter: Filter): Promise<string[]> {
  const fragment = compileFilter(TEST_SCHEMA, filter, 2);
  const rows = await db.query<{ user_id: string }>(
    `SELECT u.user_id FROM scim_users u WHERE u.provider_id = $1 AND (${fragment.sql}) ORDER BY u.user_id`,
    ['p1', ...fragment.params],
  );
  return rows.map((r) => r.user_id);
}

describe('compileFilter, property-based', () => {
  it('selects exactly the users the reference evaluator selects', async () => {
    await fc.assert(
      fc.asyncProperty(FILTERS, async (filter) => {
        const expected = P1_USERS.filter((u: TestUser) => evaluate(filter, u as unknown as Holder, ROOT_FIELDS)).map((u) => u.id);
        expect(await run(filter)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('answers any literal on any attribute with rows or invalidFilter, never a database error', async () => {
    const anyLiteral = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
    const anyOp = fc.constantFrom<CompareOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROOT_FIELDS), anyOp, anyLiteral, async (field, op, value) => {
        let filter: Filter;
        try {
          filter = compare(field.path, op, value);
          compileFilter(TEST_SCHEMA, filter, 2);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).scimType).toBe('invalidFilter');
          return;
        }
        await run(filter);
      }),
      { numRuns: 100 },
    );
  });
});
