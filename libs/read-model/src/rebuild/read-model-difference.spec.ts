import fc from 'fast-check';
import { differencesQuery, promotionStatements, TablePair } from './comparison-sql';
import { COMPARED_TABLES } from './compared-tables';
import { toDifference } from './read-model-difference';

const users = COMPARED_TABLES.find((t) => t.name === 'scim_users')!;
const tokens = COMPARED_TABLES.find((t) => t.name === 'scim_tokens')!;

describe('a difference between the live and the rebuilt read model', () => {
  it('names the row by its shown key, in the table\'s column order, and says which side lacks it or which columns differ', () => {
    const row = { k0: 'contoso', k1: 'u-1', missing_live: false, missing_rebuilt: false, columns: ['attributes', 'version'] };
    expect(toDifference(users, row)).toEqual({ table: 'scim_users', key: { provider_id: 'contoso', user_id: 'u-1' }, kind: 'differs', columns: ['attributes', 'version'] });
    expect(Object.keys(toDifference(users, row).key)).toEqual(['provider_id', 'user_id']);
    expect(toDifference(tokens, { k0: 'contoso', k1: 't1', missing_live: true, missing_rebuilt: false, columns: ['digest'] })).toEqual({
      table: 'scim_tokens',
      key: { provider_id: 'contoso', token_id: 't1' },
      kind: 'missing-in-live',
    });
    expect(toDifference(users, { ...row, missing_rebuilt: true }).kind).toBe('missing-in-rebuilt');
  });

  it('never carries a value of the row: only the shown key and column names', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), fc.boolean(), fc.array(fc.constantFrom('attributes', 'user_name', 'version')), (k0, k1, live, rebuilt, columns) => {
        const difference = toDifference(users, { k0, k1, missing_live: live, missing_rebuilt: rebuilt, columns });
        const said = JSON.stringify(difference);
        expect(JSON.parse(said)).toEqual({ table: 'scim_users', key: { provider_id: k0, user_id: k1 }, kind: difference.kind, ...(difference.kind === 'differs' ? { columns } : {}) });
      }),
    );
  });
});

describe('the comparison and promotion statements', () => {
  const pair: TablePair = { table: COMPARED_TABLES.find((t) => t.name === 'idp_custom_attributes')!, live: 'public', rebuilt: 'read"model', columns: ['provider_id', 'name', "o'dd"] };

  it('quote every schema and column name, and match case-insensitive keys by lower()', () => {
    const query = differencesQuery(pair);
    expect(query).toContain('"public"."idp_custom_attributes" l FULL JOIN "read""model"."idp_custom_attributes" r');
    expect(query).toContain('ON l."provider_id" = r."provider_id" AND lower(l."name") = lower(r."name")');
    expect(query).toContain(`CASE WHEN l."o'dd" IS DISTINCT FROM r."o'dd" THEN 'o''dd' END`);
    const [remove, update, insert] = promotionStatements(pair);
    expect(remove).toMatch(/^DELETE FROM "public"\."idp_custom_attributes" l WHERE NOT EXISTS/);
    expect(update).toContain('SET "provider_id" = r."provider_id", "name" = r."name", "o\'dd" = r."o\'dd"');
    expect(insert).toMatch(/^INSERT INTO "public"\."idp_custom_attributes" \("provider_id", "name", "o'dd"\) SELECT/);
  });
});
