import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * A data-directory template: an empty PGlite cluster made once at build time (`npm run build`,
 * `npm start`'s prestart), copied into a data directory on its first start. PGlite's own initdb
 * keeps three WASM instances alive at once and peaks at ~0.85 GB in the process that runs it; a
 * start on a copied directory peaks at ~0.3 GB. The template holds no schema (the migrations run at
 * every start), so it is stale only when PGlite's version changes: then, or when it is missing, a
 * first start runs initdb in-process as before.
 */

/** Written last into a template (and copied into each data directory made from one): which PGlite made it. */
export const TEMPLATE_STAMP_FILE = 'pglite-template.json';
/** Present once PostgreSQL's cluster is complete: PGlite runs initdb when it is missing. */
const CLUSTER_MARKER = 'PG_VERSION';

export interface TemplateStamp {
  readonly pgliteVersion: string;
}

/** How a data directory came to hold a cluster before PGlite opened it. */
export type DataDirOrigin = { readonly origin: 'existing' } | { readonly origin: 'template' } | { readonly origin: 'initdb'; readonly reason: string };

export function installedPgliteVersion(): string {
  const manifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** `dist/pglite-template` in the checkout this module runs from (its sources or its build). */
export function defaultTemplateDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'pglite-template');
}

/**
 * Gives `dataDir` a cluster copied from the template unless it has one. The cluster's marker is
 * copied last, by rename: a copy cut short leaves no marker, and the next start copies again over
 * what it left. Only the template's own entries are replaced; other files (the lock) stay.
 */
export async function seedFromTemplate(dataDir: string, templateDir: string): Promise<DataDirOrigin> {
  if (existsSync(join(dataDir, CLUSTER_MARKER))) return { origin: 'existing' };
  const stale = await whyUnusable(templateDir);
  if (stale) return { origin: 'initdb', reason: stale };
  const entries = (await readdir(templateDir)).filter((name) => name !== CLUSTER_MARKER);
  for (const name of entries) {
    await rm(join(dataDir, name), { recursive: true, force: true });
    await cp(join(templateDir, name), join(dataDir, name), { recursive: true });
  }
  const marker = join(dataDir, `${CLUSTER_MARKER}.${process.pid}.tmp`);
  await copyFile(join(templateDir, CLUSTER_MARKER), marker);
  await rename(marker, join(dataDir, CLUSTER_MARKER));
  return { origin: 'template' };
}

async function whyUnusable(templateDir: string): Promise<string | undefined> {
  let stamp: Partial<TemplateStamp>;
  try {
    stamp = JSON.parse(await readFile(join(templateDir, TEMPLATE_STAMP_FILE), 'utf8')) as Partial<TemplateStamp>;
  } catch {
    return `no template at ${templateDir} (npm run build makes it)`;
  }
  const installed = installedPgliteVersion();
  if (stamp.pgliteVersion !== installed) return `the template was made by PGlite ${String(stamp.pgliteVersion)}, this is ${installed}`;
  if (!existsSync(join(templateDir, CLUSTER_MARKER))) return `the template at ${templateDir} has no ${CLUSTER_MARKER}`;
  return undefined;
}
