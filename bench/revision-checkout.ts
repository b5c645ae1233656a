import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A built tree of the service: the working tree, or a git revision unpacked beside it. */
export interface Checkout {
  /** `current` or `baseline`. */
  readonly label: string;
  readonly dir: string;
  /** Short commit id; `+changes` when the working tree differs from it. */
  readonly revision: string;
}

const git = (root: string, ...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

function run(dir: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${dir} (exit ${result.status})`);
}

/** The working tree, built if its sources changed since its last build (as `npm start` does). */
export function workingTree(root: string): Checkout {
  run(root, process.execPath, ['deploy/build-if-stale.mjs']);
  const dirty = git(root, 'status', '--porcelain', '--untracked-files=no') !== '';
  return { label: 'current', dir: root, revision: `${git(root, 'rev-parse', '--short', 'HEAD')}${dirty ? '+changes' : ''}` };
}

/**
 * `revision` unpacked with `git archive` into a temporary folder named by its commit (kept and
 * reused by later runs; `git archive` leaves the shared repository's index and worktree list alone),
 * with this tree's node_modules linked when the lock file is the same, else installed offline from
 * the npm cache, and built by its own `npm run build`.
 */
export function revisionCheckout(root: string, revision: string): Checkout {
  const commit = git(root, 'rev-parse', '--verify', `${revision}^{commit}`);
  const dir = join(tmpdir(), `scim-bench-${commit.slice(0, 12)}`);
  const built = join(dir, '.bench-built');
  // A cached copy whose node_modules link points at a tree since removed is made again.
  if (!existsSync(built) || !existsSync(join(dir, 'node_modules'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: root });
    const sameLock = spawnSync('git', ['diff', '--quiet', commit, '--', 'package-lock.json'], { cwd: root }).status === 0;
    if (sameLock) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    else run(dir, 'npm', ['ci', '--offline', '--no-audit', '--no-fund']);
    process.stderr.write(`building ${revision} (${commit.slice(0, 12)}) in ${dir}\n`);
    run(dir, 'npm', ['run', '--silent', 'build']);
    writeFileSync(built, `${commit}\n`);
  }
  return { label: 'baseline', dir, revision: commit.slice(0, 7) };
}
