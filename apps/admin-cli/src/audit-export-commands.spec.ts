import { temporaryDirectories } from '@app/testing/temporary-directories';
import { exportChunks } from '@app/audit/export-writer';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAdminCli } from './admin-cli';

const temporaryDirectory = temporaryDirectories();

const ENV = { ADMIN_URL: 'http://admin.test', ADMIN_TOKEN: 'admin-token' };
const START = { scope: { kind: 'identity-provider' as const, providerId: 'contoso' }, exportedAt: new Date('2026-12-02T08:00:00Z'), throughPosition: 30 };
const event = (n: number) => ({
  id: `e-${n}`,
  type: 'UserProvisioned',
  data: { userName: `user${n}@contoso.example` },
  metadata: { occurredAt: '2026-12-02T07:00:00.000Z' },
  streamId: `user-contoso-${n}`,
  revision: 0,
  position: 10 * n,
  recordedAt: new Date('2026-12-02T07:00:00Z'),
});

async function exportText(count = 3): Promise<string> {
  async function* batches() {
    yield Array.from({ length: count }, (_, n) => event(n + 1));
  }
  let text = '';
  for await (const chunk of exportChunks(START, batches())) text += chunk;
  return text;
}

/** A server that answers with these body parts, an Error part breaking the connection there. */
function server(parts: (string | Error)[], status = 200) {
  const asked: string[] = [];
  const fetchFn = (async (url: string) => {
    asked.push(url);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next === undefined) controller.close();
        else if (next instanceof Error) controller.error(next);
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    return new Response(body, { status, headers: { 'Content-Type': status === 200 ? 'application/x-ndjson' : 'application/json' } });
  }) as unknown as typeof fetch;
  return { fetchFn, asked };
}

async function admin(argv: string[], fetchFn?: typeof fetch, env: Record<string, string> = ENV) {
  const run = { out: '', err: '', chunks: [] as string[] };
  const code = await runAdminCli(argv, env, {
    out: (t) => (run.out += t),
    err: (t) => (run.err += t),
    write: async (chunk) => void run.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
  }, fetchFn);
  return { code, ...run, stdout: run.chunks.join('') + run.out };
}

const dir = () => temporaryDirectory('audit-export-');
const headOf = (text: string) => JSON.parse(text.trim().split('\n').at(-1)!).hash as string;

describe('audit export', () => {
  it('streams the export to stdout as it arrives, and prints the head to stderr', async () => {
    const text = await exportText();
    const { fetchFn, asked } = server([text.slice(0, 100), text.slice(100)]);
    const run = await admin(['audit', 'export', '--idp', 'contoso-eu', '--user', 'u 1'], fetchFn);
    expect(run.code).toBe(0);
    expect(asked).toEqual(['http://admin.test/admin/v1/audit/export?providerId=contoso-eu&userId=u%201']);
    expect(run.chunks).toEqual([text.slice(0, 100), text.slice(100)]);
    expect(run.err).toMatch(new RegExp(`^Exported 3 events \\(identity provider contoso, through log position 30\\)\\.\\nhead ${headOf(text)}\\n`));
  });

  it('with --json, the summary on stderr is JSON', async () => {
    const text = await exportText();
    const run = await admin(['audit', 'export', '--json'], server([text]).fetchFn);
    expect(JSON.parse(run.err)).toEqual({ valid: true, records: 5, events: 3, head: headOf(text), scope: START.scope, throughPosition: 30, exportedAt: '2026-12-02T08:00:00.000Z' });
  });

  it('writes --out only once the whole export arrived and verified', async () => {
    const text = await exportText();
    const out = join(dir(), 'log.ndjson');
    const { fetchFn, asked } = server([text]);
    const run = await admin(['audit', 'export', '--out', out], fetchFn);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: '' });
    expect(asked).toEqual(['http://admin.test/admin/v1/audit/export']);
    expect(readFileSync(out, 'utf8')).toBe(text);
    expect(run.err).toContain(`to ${out}.\nhead ${headOf(text)}\n`);
  });

  it.each([
    ['the connection breaks midway', async () => [(await exportText()).slice(0, 300), new Error('socket hang up')], /it stopped: socket hang up/],
    ['the trailer never comes', async () => [(await exportText()).split('\n').slice(0, 3).join('\n') + '\n'], /line 4: truncated/],
    ['a record arrives damaged', async () => [(await exportText()).replace('user2@', 'userX@')], /line 3 \(event at log position 20\): altered/],
  ])('exits 1 and leaves no file when %s', async (_case, parts, message) => {
    const folder = dir();
    const run = await admin(['audit', 'export', '--out', join(folder, 'log.ndjson')], server(await parts()).fetchFn);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(message);
    expect(run.err).toMatch(/no file was written/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('says on stderr that what reached stdout is incomplete', async () => {
    const run = await admin(['audit', 'export'], server([(await exportText()).slice(0, 300), new Error('reset')]).fetchFn);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/has no trailer and will not verify/);
  });

  it('passes on what the API refused, and leaves no file', async () => {
    const folder = dir();
    const refusal = JSON.stringify({ status: 404, error: 'PROVIDER_NOT_FOUND', message: 'No identity provider "nope"' });
    const run = await admin(['audit', 'export', '--idp', 'nope', '--out', join(folder, 'x')], server([refusal], 404).fetchFn);
    expect(run).toMatchObject({ code: 1, err: 'Error: No identity provider "nope" (404 PROVIDER_NOT_FOUND)\n' });
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses --user without --idp, and a file it cannot write, before asking the server', async () => {
    const { fetchFn, asked } = server([]);
    expect(await admin(['audit', 'export', '--user', 'u'], fetchFn)).toMatchObject({ code: 2, err: expect.stringMatching(/^--user needs --idp/) });
    expect(await admin(['audit', 'export', '--out', join(dir(), 'no', 'such', 'dir')], fetchFn)).toMatchObject({ code: 1, err: expect.stringMatching(/^Error: cannot write .*ENOENT/) });
    expect(asked).toEqual([]);
  });
});

describe('audit verify', () => {
  const offline = { ADMIN_URL: 'http://127.0.0.1:9' };
  const saved = async (text: string) => {
    const path = join(dir(), 'log.ndjson');
    writeFileSync(path, text);
    return path;
  };

  it('needs neither server nor token: valid, with the head and what it covers', async () => {
    const text = await exportText();
    const path = await saved(text);
    const run = await admin(['audit', 'verify', path], undefined, offline);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `valid: 5 records (3 events; identity provider contoso, through log position 30, exported 2026-12-02T08:00:00.000Z), head ${headOf(text)}\n` +
        'Compare the head with the one recorded at export (or pass it as --head): an intact chain alone can have been re-hashed.\n',
    );
    const checked = await admin(['audit', 'verify', path, '--head', headOf(text).toUpperCase()], undefined, offline);
    expect(checked).toMatchObject({ code: 0, stdout: expect.stringMatching(/the file is unaltered\.\n$/) });
  });

  it('exits 1 naming the first bad record, as text or JSON', async () => {
    const path = await saved((await exportText()).replace('user2@', 'userX@'));
    expect(await admin(['audit', 'verify', path], undefined, offline)).toMatchObject({
      code: 1,
      stdout: "invalid: line 3 (event at log position 20): altered: the record's content does not match its hash: it was changed\n",
    });
    const json = await admin(['audit', 'verify', path, '--json'], undefined, offline);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ valid: false, line: 3, position: 20, problem: 'altered', message: expect.any(String) });
  });

  it('exits 1 when the head is not the recorded one, and reports a valid file as JSON', async () => {
    const path = await saved(await exportText());
    expect(await admin(['audit', 'verify', path, '--head', 'a'.repeat(64)], undefined, offline)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^invalid: line 5: head-mismatch/) });
    const json = await admin(['audit', 'verify', path, '--json'], undefined, offline);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, records: 5, events: 3, scope: START.scope, throughPosition: 30 });
  });

  it('refuses a head that is no hash (exit 2), and says when the file cannot be read (exit 1)', async () => {
    expect(await admin(['audit', 'verify', 'x', '--head', 'abc'], undefined, offline)).toMatchObject({ code: 2, err: expect.stringMatching(/^--head takes the 64 hex digits/) });
    const missing = join(dir(), 'missing.ndjson');
    expect(await admin(['audit', 'verify', missing], undefined, offline)).toMatchObject({ code: 1, err: expect.stringMatching(/^Error: cannot read .*ENOENT/) });
    expect(existsSync(missing)).toBe(false);
    expect(await admin(['audit', 'verify', dir()], undefined, offline)).toMatchObject({ code: 1, err: expect.stringMatching(/EISDIR/) });
  });
});
