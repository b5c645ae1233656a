import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../logging/logger';
import { makePgliteTemplate } from './make-pglite-template';
import { PgliteDatabase } from './pglite-database';
import { installedPgliteVersion, seedFromTemplate, TEMPLATE_STAMP_FILE } from './pglite-template';

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe('PGlite data-directory template', () => {
  const root = mkdtempSync(join(tmpdir(), 'pglite-template-'));
  const template = join(root, 'template');
  const dataDir = (name: string) => join(root, name);
  const open = async (dir: string, templateDir = template) => {
    const { lines, logger } = capturedLogger();
    const db = await PgliteDatabase.open(dir, { logger, templateDir });
    return { db, messages: lines.map((line) => `${String(line.level)} ${String(line.msg)} ${String(line.reason ?? '')}`) };
  };

  beforeAll(async () => {
    await makePgliteTemplate(template);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is a closed cluster stamped with the PGlite that made it, and nothing of the making is left beside it', () => {
    expect(JSON.parse(readFileSync(join(template, TEMPLATE_STAMP_FILE), 'utf8'))).toEqual({ pgliteVersion: installedPgliteVersion() });
    expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(template, 'postmaster.pid'))).toBe(false);
    expect(readdirSync(root)).toEqual(['template']);
  });

  it('is readable by every user: the build and the service may run as different users', () => {
    const unreadable = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        const mode = statSync(path).mode;
        const unreadableHere = (mode & 0o004) === 0 || (entry.isDirectory() && (mode & 0o001) === 0) ? [path] : [];
        return entry.isDirectory() ? [...unreadableHere, ...unreadable(path)] : unreadableHere;
      });
    expect(unreadable(template)).toEqual([]);
  });

  it('gives a first start its cluster, which keeps what was written across a reopen; a reopen copies nothing', async () => {
    const dir = dataDir('first');
    const first = await open(dir);
    expect(first.messages).toEqual([expect.stringMatching(/^30 created the embedded data directory from the build's template/)]);
    await first.db.exec('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$written$$)');
    await first.db.close();

    const again = await open(dir);
    expect(again.messages).toEqual([]);
    expect(await again.db.query('SELECT v FROM kept')).toEqual([{ v: 'written' }]);
    await again.db.close();
  }, 60_000);

  it('copies again over a copy cut short (no PG_VERSION yet), replacing only its own entries: the lock and other files stay', async () => {
    const dir = dataDir('cut-short');
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'base', 'half-copied'), 'x');
    writeFileSync(join(dir, 'scim-ingress.lock'), '{"held":"by the opener"}');
    expect(await seedFromTemplate(dir, template)).toEqual({ origin: 'template' });
    expect(existsSync(join(dir, 'base', 'half-copied'))).toBe(false);
    expect(readFileSync(join(dir, 'scim-ingress.lock'), 'utf8')).toBe('{"held":"by the opener"}');
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
    const { db } = await open(dir);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.close();
  }, 60_000);

  it('leaves a directory that already has a cluster alone', async () => {
    const dir = dataDir('existing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    expect(await seedFromTemplate(dir, template)).toEqual({ origin: 'existing' });
    expect(readdirSync(dir)).toEqual(['PG_VERSION']);
  });

  it('is not used when missing, incomplete or made by another PGlite version, and says why; the directory stays untouched', async () => {
    const other = join(root, 'other-version');
    cpSync(template, other, { recursive: true });
    writeFileSync(join(other, TEMPLATE_STAMP_FILE), JSON.stringify({ pgliteVersion: '0.0.1' }));
    const incomplete = join(root, 'incomplete');
    cpSync(template, incomplete, { recursive: true });
    rmSync(join(incomplete, 'PG_VERSION'));
    const dir = dataDir('fallback');
    mkdirSync(dir);

    expect(await seedFromTemplate(dir, join(root, 'absent'))).toEqual({ origin: 'initdb', reason: expect.stringContaining('no template at') });
    expect(await seedFromTemplate(dir, other)).toEqual({ origin: 'initdb', reason: `the template was made by PGlite 0.0.1, this is ${installedPgliteVersion()}` });
    expect(await seedFromTemplate(dir, incomplete)).toEqual({ origin: 'initdb', reason: expect.stringContaining('has no PG_VERSION') });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("falls back to PGlite's own initdb with a warning when the template is stale, and the cluster works", async () => {
    const stale = join(root, 'stale');
    cpSync(template, stale, { recursive: true });
    writeFileSync(join(stale, TEMPLATE_STAMP_FILE), JSON.stringify({ pgliteVersion: '0.0.1' }));
    const dir = dataDir('initdb');
    const { db, messages } = await open(dir, stale);
    expect(messages).toEqual([expect.stringMatching(/^40 creating the embedded data directory with PGlite's initdb in this process .* made by PGlite 0\.0\.1/)]);
    expect(existsSync(join(dir, TEMPLATE_STAMP_FILE))).toBe(false);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.close();
  }, 60_000);
});
