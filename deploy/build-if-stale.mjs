// Builds dist/ only when its inputs changed since the last build, so restarting a built checkout
// skips the compile (tsc + tsc-alias, ~20 s; `tsc --incremental` still takes ~5 s with nothing to do).
// The build ends with PGlite's data-directory template (dist/pglite-template, ~5 s): an embedded first
// start copies it instead of running initdb in the server (see libs/platform/.../pglite-template.ts).
// Usage: node deploy/build-if-stale.mjs [--always | --check]
//   (none)    build when stale (npm start's prestart)
//   --always  build, whatever the stamp says (npm run build)
//   --check   build nothing; exit 0 when up to date, 1 when stale
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = 'tsconfig.build.json';
// The stamp lives in dist/: deleting dist/ makes the checkout stale.
const STAMP = join(ROOT, 'dist', '.build-stamp');
const ENTRY = join(ROOT, 'dist', 'apps', 'scim-api', 'src', 'main.js');
const TEMPLATE_MAKER = join(ROOT, 'dist', 'libs', 'platform', 'src', 'database', 'make-pglite-template.js');
const TEMPLATE_STAMP = join(ROOT, 'dist', 'pglite-template', 'pglite-template.json');

/** tsconfig's `include`/`exclude` patterns (`*`, `**\/`, directories) as one anchored expression each. */
function patternToRegExp(pattern) {
  const escaped = pattern.replace(/^\.\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const body = escaped.replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(?:.*/)?');
  return new RegExp(`^${body}(?:/.*)?$`);
}

function walk(dir, files = []) {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(path, files);
    else files.push(path);
  }
  return files;
}

/** SHA-256 over the build's configuration, the compiler's locked version and every file the build compiles. */
function inputsDigest() {
  const config = JSON.parse(readFileSync(join(ROOT, CONFIG), 'utf8'));
  const include = config.include.map(patternToRegExp);
  const exclude = (config.exclude ?? []).map(patternToRegExp);
  const topDirs = [...new Set(config.include.map((p) => p.replace(/^\.\//, '').split('/')[0]))];
  const sources = topDirs
    .filter((dir) => existsSync(join(ROOT, dir)))
    .flatMap((dir) => walk(dir))
    .filter((path) => include.some((r) => r.test(path)) && !exclude.some((r) => r.test(path)))
    .sort();
  const inputs = [CONFIG, config.extends, 'package-lock.json', ...sources].filter((path) => path && existsSync(join(ROOT, path)));
  const hash = createHash('sha256');
  for (const path of inputs) hash.update(`${path}\0`).update(readFileSync(join(ROOT, path))).update('\0');
  return hash.digest('hex');
}

const isCompiled = (digest) => existsSync(ENTRY) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === digest;

function compile(digest) {
  // Removed first: a build that fails half-way must not leave a stamp that matches later.
  rmSync(STAMP, { force: true });
  const run = spawnSync('npm', ['run', '--silent', 'build:tsc'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  writeFileSync(STAMP, `${digest}\n`);
}

// Without a template the service still starts (PGlite's initdb in-process), so a failure here only warns;
// the next start tries again.
async function makeTemplate() {
  try {
    await createRequire(import.meta.url)(TEMPLATE_MAKER).makePgliteTemplate();
  } catch (error) {
    process.stderr.write(`build-if-stale: could not make PGlite's data-directory template (a first start will run initdb itself): ${error}\n`);
  }
}

const mode = process.argv[2];
if (mode !== undefined && mode !== '--always' && mode !== '--check') {
  process.stderr.write(`build-if-stale: unknown option ${mode} (use --always or --check)\n`);
  process.exit(2);
}
// Taken before compiling: a source edited during the build leaves the stamp stale, not wrongly fresh.
const digest = inputsDigest();
const compiled = mode !== '--always' && isCompiled(digest);
// The template depends only on PGlite, whose version is in package-lock.json: a new one recompiles.
const templated = compiled && existsSync(TEMPLATE_STAMP);
if (mode === '--check') process.exit(templated ? 0 : 1);
if (!compiled) {
  if (mode !== '--always') process.stdout.write('build-if-stale: sources changed since the last build; building dist/\n');
  compile(digest);
}
if (!templated) await makeTemplate();
