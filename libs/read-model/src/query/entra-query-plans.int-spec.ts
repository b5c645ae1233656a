import { PgDatabase } from '@app/platform/database/pg-database';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { parseFilter } from '@app/scim/filter/filter-parser';
import { UserSchema } from '@app/scim/schema/user-schema';
import { storageTargets } from '@app/testing/postgres-target';
import { migrateReadModel } from '../store/read-model-schema';
import { UserReadModel } from '../store/user-read-model';
import { compileFilter } from './filter-to-sql';
import { compileSort } from './sort-to-sql';
import { seedSyntheticUsers, syntheticUserId } from './synthetic-users';

const USERS = 10_000;
const SCHEMA = UserSchema.withCustomAttributes([]);
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const userId = syntheticUserId;

interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Passes queries through and keeps them: the plans checked are those of the SQL the read model really runs. */
class RecordingDatabase implements SqlDatabase {
  readonly statements: Statement[] = [];
  constructor(private readonly db: SqlDatabase) {}
  query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.statements.push({ sql, params });
    return this.db.query<Row>(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.db.exec(sql);
  }
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
  close(): Promise<void> {
    return this.db.close();
  }
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** How a plan reads scim_users: each scan node's type and index, e.g. "Index Scan using scim_users_user_name". */
function usersScans(plan: PlanNode): string[] {
  return nodes(plan)
    .filter((n) => n['Relation Name'] === 'scim_users' || n['Index Name']?.startsWith('scim_users'))
    .map((n) => (n['Index Name'] ? `${n['Node Type']} using ${n['Index Name']}` : n['Node Type']));
}

function literal(value: unknown): string {
  return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
}

const topPlan = (rows: { 'QUERY PLAN': unknown }[]): PlanNode => {
  const json = rows[0]['QUERY PLAN'];
  return (typeof json === 'string' ? JSON.parse(json) : json)[0].Plan as PlanNode;
};

/** The plan for these parameter values (what an unnamed statement gets). */
async function customPlan(db: SqlDatabase, statement: Statement): Promise<PlanNode> {
  return topPlan(await db.query(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.params));
}

/** The plan a prepared statement may settle on after five runs: planned without the values. */
function genericPlan(db: SqlDatabase, statement: Statement): Promise<PlanNode> {
  return db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL plan_cache_mode = force_generic_plan; PREPARE plan_probe AS ${statement.sql}`);
    try {
      return topPlan(await tx.query(`EXPLAIN (FORMAT JSON) EXECUTE plan_probe(${statement.params.map(literal).join(', ')})`));
    } finally {
      await tx.exec('DEALLOCATE plan_probe');
    }
  });
}

const targets = storageTargets().filter((t) => t.name !== 'esdb-test-double');

describe.each(targets.map((t) => [t.name, t] as const))('the read model answers every Entra query through an index at 10k users on %s', (_name, target) => {
  let db: SqlDatabase;
  let recording: RecordingDatabase;
  let users: UserReadModel;

  beforeAll(async () => {
    db = target.freshDatabase ? await PgDatabase.connect(await target.freshDatabase()) : await PgliteDatabase.open();
    await migrateReadModel(db);
    // 10k users of p1, and 1k of p2 sharing the values.
    await seedSyntheticUsers(db, { p1: USERS, p2: USERS / 10 });
    recording = new RecordingDatabase(db);
    users = new UserReadModel(recording);
  });
  afterAll(() => db?.close());

  /** The statements a list with `filter` runs, after checking it finds `expected`. */
  async function listStatements(filter: string, expected: readonly string[]): Promise<Statement[]> {
    recording.statements.length = 0;
    const where = compileFilter(SCHEMA, parseFilter(filter), 2);
    // What the list handler reads in batches when false: each of Entra's lookups must say an index narrows it.
    expect(where.narrowedByIndex).toBe(true);
    const page = await users.list('p1', { where, orderBy: compileSort(SCHEMA, undefined, undefined), startIndex: 1, count: 100 });
    expect(page.rows.map((r) => r.userId)).toEqual(expected);
    return [...recording.statements];
  }

  async function expectIndex(statements: readonly Statement[], index: string): Promise<void> {
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const plan of [await customPlan(db, statement), await genericPlan(db, statement)]) {
        const scans = usersScans(plan);
        expect(scans.some((s) => s.endsWith(` using ${index}`))).toBe(true);
        expect(scans).not.toContain('Seq Scan');
      }
    }
  }

  it('GET /Users/{id}: the primary key', async () => {
    recording.statements.length = 0;
    expect((await users.findById('p1', userId(4242)))?.userId).toBe(userId(4242));
    await expectIndex(recording.statements, 'scim_users_pkey');
  });

  it('userName eq (case-insensitive): the lower(userName) index', async () => {
    await expectIndex(await listStatements('userName eq "user4242@contoso.COM"', [userId(4242)]), 'scim_users_user_name');
  });

  it('the Test Connection probe (userName eq a random GUID): the lower(userName) index', async () => {
    await expectIndex(await listStatements('userName eq "7d420df3-9995-4831-a406-ecf8166f5f6a"', []), 'scim_users_user_name');
  });

  it('externalId eq (caseExact): the externalId index', async () => {
    await expectIndex(await listStatements('externalId eq "ext-4242"', [userId(4242)]), 'scim_users_external_id');
  });

  it('emails[type eq "work"].value eq (case-insensitive): the email values index', async () => {
    await expectIndex(await listStatements('emails[type eq "work"].value eq "USER4242@contoso.com"', [userId(4242)]), 'scim_users_email_values');
  });

  it('emails.value eq and emails eq: the email values index', async () => {
    await expectIndex(await listStatements('emails.value eq "u4242@HOME.example"', [userId(4242)]), 'scim_users_email_values');
    await expectIndex(await listStatements('emails eq "u4242@home.example"', [userId(4242)]), 'scim_users_email_values');
  });

  it('userName eq or externalId eq (not Entra\'s, but said to be narrowed): both indexes', async () => {
    const statements = await listStatements('userName eq "user4242@contoso.com" or externalId eq "ext-42"', [userId(42), userId(4242)]);
    await expectIndex(statements, 'scim_users_user_name');
    await expectIndex(statements, 'scim_users_external_id');
  });

  it('the manager check (id eq and manager eq): the primary key', async () => {
    const statements = await listStatements(`id eq "${userId(4242)}" and ${ENTERPRISE}:manager eq "${userId(424)}"`, [userId(4242)]);
    await expectIndex(statements, 'scim_users_pkey');
    await expectIndex(await listStatements(`id eq "${userId(4242)}" and manager eq "${userId(1)}"`, []), 'scim_users_pkey');
  });

  it('a deep startIndex walks the primary key in order (OFFSET is linear in startIndex)', async () => {
    recording.statements.length = 0;
    const page = await users.list('p1', { orderBy: compileSort(SCHEMA, undefined, undefined), startIndex: 9_901, count: 100 });
    expect(page.rows).toHaveLength(100);
    expect(page.rows[0].userId).toBe(userId(9_901));
    await expectIndex(recording.statements.slice(1), 'scim_users_pkey');
  });
});
