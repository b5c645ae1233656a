/** What every admin CLI command is: its command line, and either one API request and a rendering, or a run of its own. */

/** What a command sends to /admin/v1. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Below /admin/v1, with its segments percent-encoded. */
  readonly path: string;
  readonly body?: unknown;
}

/** A command line as its command reads it: positionals by name, the rest (a trailing `...` positional), and options. */
export interface Arguments {
  readonly named: Readonly<Record<string, string>>;
  readonly rest: readonly string[];
  readonly options: Readonly<Record<string, string | undefined>>;
}

/** A wrong command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

interface CommandLineShape {
  /** Its words, e.g. `token issue`. */
  readonly name: string;
  /** Positional names in order; a last one starting with `...` takes one or more values. */
  readonly positionals: readonly string[];
  /** Its `--options` (each takes a value); `--json` and `--help` go with every command. */
  readonly options?: readonly string[];
  /** Its `--switches` (no value; present or not): `Arguments.options[name]` is `''` when given. */
  readonly switches?: readonly string[];
  readonly required?: readonly string[];
  readonly usage: string;
}

/** One request to /admin/v1 and its result printed: most commands. */
export interface RequestCommand extends CommandLineShape {
  request(args: Arguments): ApiRequest;
  /** The result as a person reads it (`--json` prints the API's JSON instead). */
  render(result: any): string; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** What a {@link RunCommand} works with. */
export interface CommandContext {
  /** Sends one request to /admin/v1 and returns its JSON; an error answer throws AdminApiError. */
  call(request: ApiRequest): Promise<unknown>;
  /** Sends one request whose answer is read as it arrives (e.g. NDJSON); an error answer throws AdminApiError. */
  stream(request: ApiRequest): Promise<AsyncIterable<Uint8Array>>;
  /** Writes to stdout, waiting while stdout is full (a large export must not pile up in memory). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Writes to stderr: progress and messages beside a result on stdout. */
  err(text: string): void;
  /** Whether stderr is a terminal (a progress bar is drawn only there). */
  readonly errIsTerminal: boolean;
  readonly json: boolean;
}

/** A command that is more than one request and its result: it streams, polls, or works on a local file. */
export interface RunCommand extends CommandLineShape {
  /** True when it needs neither the server nor ADMIN_TOKEN (e.g. verifying a file). */
  readonly offline?: boolean;
  /** Returns the exit code; throws UsageError or AdminApiError as the others do. */
  run(args: Arguments, context: CommandContext): Promise<number>;
}

export type Command = RequestCommand | RunCommand;
