import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OS_USER = 'postgres';

/**
 * A throw-away PostgreSQL server of a test's own, for fault tests: it can be stopped, restarted on
 * the same data and frozen without disturbing the shared test server other suites use. It runs the
 * Debian binaries as the `postgres` OS user, trusts local connections, listens on 127.0.0.1 only and
 * skips fsync (a crash of the machine is not what these tests are about).
 */
export class PrivatePostgres {
  private frozen: number[] = [];

  private constructor(
    private readonly bin: string,
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  /** Initialises a data directory in a temporary folder and starts the server on a free port. */
  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBinaries();
    const root = mkdtempSync(join(tmpdir(), 'private-pg-'));
    const { uid, gid } = osUser();
    chownSync(root, uid, gid);
    const dataDir = join(root, 'data');
    asPostgres(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    const server = new PrivatePostgres(bin, dataDir, await freePort());
    await server.start();
    return server;
  }

  /** The server's own `postgres` database, for creating test databases on it. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts the server (again) on its data directory and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dataDir} -c fsync=off -c max_connections=60`;
    asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-l', join(this.dataDir, '..', 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
  }

  /** `fast` ends every session and shuts down cleanly; `immediate` kills the server as a crash would. */
  async stop({ mode }: { mode: 'fast' | 'immediate' }): Promise<void> {
    await this.thaw();
    asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  /** SIGSTOPs the postmaster and every process it forked: connections stay open and nothing answers. */
  async freeze(): Promise<void> {
    const postmaster = this.postmasterPid();
    if (postmaster === undefined) throw new Error('The private PostgreSQL is not running');
    // The postmaster first, so that it forks no new backend while its children are being stopped.
    process.kill(postmaster, 'SIGSTOP');
    const children = childPids(postmaster);
    for (const pid of children) process.kill(pid, 'SIGSTOP');
    this.frozen = [postmaster, ...children];
  }

  async thaw(): Promise<void> {
    for (const pid of this.frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // A backend that was killed while frozen has nothing left to resume.
      }
    }
    this.frozen = [];
  }

  /** Stops the server whatever its state and deletes its files. */
  async destroy(): Promise<void> {
    await this.thaw();
    if (this.postmasterPid() !== undefined) await this.stop({ mode: 'immediate' });
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
  }

  private postmasterPid(): number | undefined {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && existsSync(`/proc/${pid}`) ? pid : undefined;
  }
}

function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  if (versions.length === 0) throw new Error(`No PostgreSQL server binaries under ${root}`);
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function osUser(): { uid: number; gid: number } {
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8' }).trim()));
  return { uid, gid };
}

// PostgreSQL refuses to run as root; the tests run as root, so its tools run as the postgres user.
function asPostgres(command: string, args: readonly string[]): void {
  execFileSync('runuser', ['-u', OS_USER, '--', command, ...args], { stdio: 'pipe', cwd: tmpdir() });
}

function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the name in field 2 may hold spaces, so split after it.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
