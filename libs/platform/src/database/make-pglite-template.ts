import { PGlite } from '@electric-sql/pglite';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultTemplateDir, installedPgliteVersion, TEMPLATE_STAMP_FILE, TemplateStamp } from './pglite-template';

/**
 * Runs PGlite's initdb on a fresh directory beside `templateDir` (see pglite-template.ts) and moves
 * it there whole, so a template is never half made. Apart from pglite-template.ts so that opening a
 * data directory never loads PGlite on the main thread.
 */
export async function makePgliteTemplate(templateDir = defaultTemplateDir()): Promise<void> {
  const making = `${templateDir}.${process.pid}.tmp`;
  await rm(making, { recursive: true, force: true });
  await mkdir(making, { recursive: true });
  const db = new PGlite(making);
  await db.waitReady;
  await db.close();
  const stamp: TemplateStamp = { pgliteVersion: installedPgliteVersion() };
  await writeFile(join(making, TEMPLATE_STAMP_FILE), `${JSON.stringify(stamp)}\n`);
  await readableByAll(making);
  await rm(templateDir, { recursive: true, force: true });
  await rename(making, templateDir);
}


/**
 * initdb leaves a file readable by its owner alone (pg_logical/replorigin_checkpoint), and the build
 * often runs as another user than the service (root in an image): every user may read the template.
 */
async function readableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await readableByAll(path);
    else await chmod(path, 0o644);
  }
}
