/**
 * Fields that say what failed, never what was sent: SQLSTATE and severity, and the schema names
 * PostgreSQL attaches (constraint, table, column). Query text, parameters, `detail`, `where`,
 * `hint` and anything else an error carries are left out: they hold user values.
 */
const SAFE_FIELDS = ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine', 'errno', 'syscall'] as const;
const MAX_MESSAGE_LENGTH = 300;
const MAX_STACK_FRAMES = 20;
const MAX_CAUSE_DEPTH = 3;
/** Quoted spans are where messages (PostgreSQL's, V8's JSON errors) put the values they complain about. */
const QUOTED = /"[^"]*"|'[^']*'|`[^`]*`/g;

export interface SerializedError {
  type: string;
  message?: string;
  stack?: string;
  cause?: SerializedError;
  [field: string]: unknown;
}

/**
 * pino's `err` serializer: the error's type, its message with quoted values replaced by "…", its
 * safe fields, its stack frames (without the message line) and its cause, and nothing else.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error === null || typeof error !== 'object') return { type: typeof error };
  const source = error as Record<string, unknown>;
  const serialized: SerializedError = { type: typeName(error) };
  if (typeof source.message === 'string') serialized.message = safeMessage(source.message);
  for (const field of SAFE_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' || typeof value === 'number') serialized[field] = value;
  }
  if (typeof source.stack === 'string') serialized.stack = stackFrames(source.stack);
  if (source.cause !== undefined && depth < MAX_CAUSE_DEPTH) serialized.cause = serializeError(source.cause, depth + 1);
  return serialized;
}

function typeName(error: object): string {
  const name = (error as { name?: unknown }).name;
  const constructorName = error.constructor?.name;
  return typeof name === 'string' && name !== 'Error' ? name : constructorName && constructorName !== 'Object' ? constructorName : 'Error';
}

function safeMessage(message: string): string {
  const redacted = message.replace(QUOTED, '"…"');
  return redacted.length > MAX_MESSAGE_LENGTH ? `${redacted.slice(0, MAX_MESSAGE_LENGTH)}…` : redacted;
}

function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_STACK_FRAMES)
    .join('\n');
}
