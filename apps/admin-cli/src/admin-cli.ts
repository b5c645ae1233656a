import { AdminApiError, adminApiUrl, callAdminApi } from './admin-api';
import { parseCommandLine, usage } from './command-line';
import { UsageError } from './commands';

/** Where the CLI writes: stdout for results, stderr for errors and usage after a mistake. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes: 0 done, 1 the API refused or could not be reached, 2 a wrong command line. */
export async function runAdminCli(argv: readonly string[], env: NodeJS.ProcessEnv, output: CliOutput, fetchFn: typeof fetch = fetch): Promise<number> {
  let line;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    const message = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? (error as Error).message : undefined;
    if (message === undefined) throw error;
    output.err(`${message}\n${usage()}`);
    return 2;
  }
  if (line.kind === 'help') {
    output.out(usage(line.command));
    return 0;
  }
  const token = env.ADMIN_TOKEN;
  if (!token) {
    output.err('ADMIN_TOKEN is not set: export the admin token (the server\'s ADMIN_TOKEN, the one its first start printed, or one from admin-token issue)\n');
    return 2;
  }
  try {
    const request = line.command.request(line.args);
    const result = await callAdminApi({ url: adminApiUrl(env), token }, request, fetchFn);
    output.out(line.json ? `${JSON.stringify(result, null, 2)}\n` : line.command.render(result));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`${error.message}\n${usage(line.command)}`);
      return 2;
    }
    if (!(error instanceof AdminApiError)) throw error;
    output.err(`Error: ${error.message}${error.status ? ` (${error.status} ${error.error})` : ''}\n`);
    return 1;
  }
}
