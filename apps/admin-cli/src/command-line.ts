import { parseArgs } from 'node:util';
import { Arguments, Command, UsageError } from './command';
import { COMMANDS } from './commands';

/** What the command line asks for: a command with its arguments, or help (for one command, or all). */
export type CommandLine =
  | { readonly kind: 'run'; readonly command: Command; readonly args: Arguments; readonly json: boolean }
  | { readonly kind: 'help'; readonly command?: Command };

const OPTION_NAMES = [...new Set(COMMANDS.flatMap((c) => c.options ?? []))];
const SWITCH_NAMES = [...new Set(COMMANDS.flatMap((c) => c.switches ?? []))];

/**
 * `<group> <action> <positionals...> [--option value]... [--json]`, options anywhere after the
 * words. Unknown commands and options, a missing or extra argument, and an option the command does
 * not take are UsageErrors.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(OPTION_NAMES.map((name) => [name, { type: 'string' as const }])),
      ...Object.fromEntries(SWITCH_NAMES.map((name) => [name, { type: 'boolean' as const }])),
    },
    allowPositionals: true,
    strict: true,
  });
  const [group, action, ...rest] = positionals;
  const command = COMMANDS.find((c) => c.name === `${group} ${action}`);
  if (values.help || group === undefined || group === 'help') return { kind: 'help', command };
  if (!command) throw new UsageError(`Unknown command "${[group, action].filter(Boolean).join(' ')}"`);
  const options: Record<string, string | undefined> = {};
  for (const name of OPTION_NAMES) {
    const value = (values as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (!command.options?.includes(name)) throw new UsageError(`${command.name} does not take --${name}`);
    options[name] = value as string;
  }
  for (const name of SWITCH_NAMES) {
    if ((values as Record<string, unknown>)[name] !== true) continue;
    if (!command.switches?.includes(name)) throw new UsageError(`${command.name} does not take --${name}`);
    options[name] = '';
  }
  const missing = (command.required ?? []).filter((name) => options[name] === undefined);
  if (missing.length > 0) throw new UsageError(`${command.name} needs ${missing.map((m) => `--${m}`).join(', ')}`);
  return { kind: 'run', command, args: { ...assignPositionals(command, rest), options }, json: values.json === true };
}

function assignPositionals(command: Command, given: readonly string[]): Pick<Arguments, 'named' | 'rest'> {
  const variadic = command.positionals.at(-1)?.startsWith('...') === true;
  const fixed = variadic ? command.positionals.slice(0, -1) : command.positionals;
  if (given.length < fixed.length + (variadic ? 1 : 0)) {
    throw new UsageError(`${command.name} needs ${command.positionals.slice(given.length).map((p) => `<${p.replace('...', '')}>`).join(' ')}`);
  }
  if (!variadic && given.length > fixed.length) throw new UsageError(`${command.name} takes no argument "${given[fixed.length]}"`);
  return { named: Object.fromEntries(fixed.map((name, i) => [name, given[i]])), rest: given.slice(fixed.length) };
}

/** The usage of one command, or of all of them. */
export function usage(command?: Command): string {
  if (command) return `Usage: npm run admin -- ${command.usage} [--json]\n`;
  return [
    'Usage: npm run admin -- <command> [--json]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.usage}`),
    '',
    '--json prints the result as one JSON document (npm run -s admin -- … keeps npm\'s banner out of it).',
    'Environment: ADMIN_URL (default http://127.0.0.1:$ADMIN_PORT, else $PORT, else 3000), ADMIN_TOKEN (an admin token, never a SCIM token).',
    '',
  ].join('\n');
}
