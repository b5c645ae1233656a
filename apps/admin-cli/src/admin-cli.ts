import { AdminApiError, adminApiUrl, AdminApiTarget, callAdminApi, streamAdminApi } from './admin-api';
import { parseCommandLine, usage } from './command-line';
import { CommandContext, UsageError } from './command';

/** Where the CLI writes: stdout for results, stderr for errors and usage after a mistake. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
  /** Writes to stdout and resolves once it can take more (a streamed export); `out` when absent. */
  write?(chunk: string | Uint8Array): Promise<void>;
  /** Whether stderr is a terminal. */
  readonly errIsTerminal?: boolean;
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
  const command = line.command;
  const token = env.ADMIN_TOKEN;
  if (!token && !('run' in command && command.offline)) {
    output.err('ADMIN_TOKEN is not set: export the admin token (the server\'s ADMIN_TOKEN, the one its first start printed, or one from admin-token issue)\n');
    return 2;
  }
  try {
    const target = { url: adminApiUrl(env), token: token ?? '' };
    if ('run' in command) return await command.run(line.args, commandContext(target, output, line.json, fetchFn));
    const result = await callAdminApi(target, command.request(line.args), fetchFn);
    output.out(line.json ? `${JSON.stringify(result, null, 2)}\n` : command.render(result));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`${error.message}\n${usage(command)}`);
      return 2;
    }
    if (!(error instanceof AdminApiError)) throw error;
    output.err(`Error: ${error.message}${error.status ? ` (${error.status} ${error.error})` : ''}\n`);
    return 1;
  }
}

function commandContext(target: AdminApiTarget, output: CliOutput, json: boolean, fetchFn: typeof fetch): CommandContext {
  return {
    call: (request) => callAdminApi(target, request, fetchFn),
    stream: (request) => streamAdminApi(target, request, fetchFn),
    write: async (chunk) => (output.write ? output.write(chunk) : output.out(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))),
    err: (text) => output.err(text),
    errIsTerminal: output.errIsTerminal === true,
    json,
  };
}
