import { runAdminCli } from './admin-cli';

/** `npm run admin -- <command>`: a client of the running service's /admin/v1, nothing more. */
const output = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  // Waits for 'drain' when stdout is full, so a streamed export never piles up in memory.
  write: (chunk: string | Uint8Array) => new Promise<void>((resolve, reject) => (process.stdout.write(chunk, (error) => (error ? reject(error) : resolve())))),
  errIsTerminal: process.stderr.isTTY === true,
};

runAdminCli(process.argv.slice(2), process.env, output).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`admin CLI failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
