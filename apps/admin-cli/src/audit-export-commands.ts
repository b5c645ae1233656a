import type { Finding, Valid, Verdict } from '@app/audit/chain-verifier';
import type { ExportScope } from '@app/audit/export-records';
import { ExportVerifier, verifyExport } from '@app/audit/verify-export';
import { createReadStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { Command, CommandContext, RunCommand } from './command';
import { UsageError } from './command';

const HASH = /^[0-9a-fA-F]{64}$/;

/** Where an export goes: stdout, or a file that gets its name only once the export verified. */
interface Sink {
  write(chunk: Uint8Array): Promise<void>;
  /** Done and verified: the file takes its name. */
  keep(): Promise<void>;
  /** Broken off: no file is left that could pass for a whole export. */
  drop(): Promise<void>;
  /** What a failure leaves behind, for the message. */
  readonly leftover: string;
}

async function fileSink(path: string): Promise<Sink> {
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  const close = async () => file.close().catch(() => undefined);
  return {
    write: async (chunk) => void (await file.write(chunk)),
    keep: async () => {
      await file.sync();
      await file.close();
      await rename(partial, path);
    },
    drop: async () => {
      await close();
      await unlink(partial).catch(() => undefined);
    },
    leftover: `no file was written to ${path}`,
  };
}

function stdoutSink(context: CommandContext): Sink {
  return { write: context.write, keep: async () => undefined, drop: async () => undefined, leftover: 'what reached stdout has no trailer and will not verify' };
}

const auditExport: RunCommand = {
  name: 'audit export',
  positionals: [],
  options: ['idp', 'user', 'out'],
  usage:
    'audit export [--idp <providerId> [--user <userId>]] [--out <file>]   (the event log as hash-chained NDJSON, to stdout or --out; ' +
    'its head hash goes to stderr: record it apart from the file)',
  run: async ({ options }, context) => {
    const { idp, user, out } = options;
    if (user !== undefined && idp === undefined) throw new UsageError('--user needs --idp: a user id names a user of one identity provider');
    const query = [idp === undefined ? '' : `providerId=${encodeURIComponent(idp)}`, user === undefined ? '' : `userId=${encodeURIComponent(user)}`].filter(Boolean).join('&');
    let sink: Sink;
    try {
      sink = out === undefined ? stdoutSink(context) : await fileSink(out);
    } catch (error) {
      context.err(`Error: cannot write ${out}: ${(error as Error).message}\n`);
      return 1;
    }
    const outcome = await context.stream({ method: 'GET', path: `/audit/export${query ? `?${query}` : ''}` }).then(
      (body) => copyVerified(body, sink),
      async (error: unknown) => {
        await sink.drop();
        throw error;
      },
    );
    if (typeof outcome === 'string') {
      await sink.drop();
      context.err(`Error: the export broke off or arrived damaged (${outcome}); ${sink.leftover}\n`);
      return 1;
    }
    await sink.keep();
    const { scope, throughPosition } = outcome.header;
    if (context.json) context.err(`${JSON.stringify(summary(outcome))}\n`);
    else {
      const where = out === undefined ? '' : ` to ${out}`;
      context.err(`Exported ${outcome.events} events (${scopeText(scope)}, through log position ${throughPosition})${where}.\nhead ${outcome.head}\n`);
      context.err('Record the head apart from the file; audit verify <file> --head <head> then proves the file unaltered.\n');
    }
    return 0;
  },
};

/** Passes the export on as it arrives and checks it on the way: what went wrong, or the verdict on the whole. */
async function copyVerified(body: AsyncIterable<Uint8Array>, sink: Sink): Promise<Valid | string> {
  const verifier = new ExportVerifier();
  try {
    for await (const chunk of body) {
      if (verifier.push(chunk)) break;
      await sink.write(chunk);
    }
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return `it stopped: ${cause ?? (error as Error).message}`;
  }
  const verdict = verifier.finish();
  return verdict.valid ? verdict : describeFinding(verdict);
}

const auditVerify: RunCommand = {
  name: 'audit verify',
  positionals: ['file'],
  options: ['head'],
  offline: true,
  usage: 'audit verify <file> [--head <hash>]   (offline; every hash and link, the header and trailer; exit 1 names the first bad record; --head: the hash recorded at export)',
  run: async ({ named, options }, context) => {
    const head = options.head;
    if (head !== undefined && !HASH.test(head)) throw new UsageError('--head takes the 64 hex digits the export printed');
    let verdict: Verdict;
    try {
      verdict = await verifyExport(createReadStream(named.file), head);
    } catch (error) {
      context.err(`Error: cannot read ${named.file}: ${(error as Error).message}\n`);
      return 1;
    }
    if (context.json) await context.write(`${JSON.stringify(verdict.valid ? summary(verdict) : verdict)}\n`);
    else await context.write(verdict.valid ? describeValid(verdict, head !== undefined) : `invalid: ${describeFinding(verdict)}\n`);
    return verdict.valid ? 0 : 1;
  },
};

function summary({ header, ...counts }: Valid) {
  return { ...counts, scope: header.scope, throughPosition: header.throughPosition, exportedAt: header.exportedAt };
}

function describeValid(verdict: Valid, headChecked: boolean): string {
  const { scope, throughPosition, exportedAt } = verdict.header;
  const what = `valid: ${verdict.records} records (${verdict.events} events; ${scopeText(scope)}, through log position ${throughPosition}, exported ${exportedAt}), head ${verdict.head}\n`;
  return headChecked ? `${what}The head is the one recorded at export: the file is unaltered.\n` : `${what}Compare the head with the one recorded at export (or pass it as --head): an intact chain alone can have been re-hashed.\n`;
}

export function describeFinding(finding: Finding): string {
  const position = finding.position === undefined ? '' : ` (event at log position ${finding.position})`;
  return `line ${finding.line}${position}: ${finding.problem}: ${finding.message}`;
}

function scopeText(scope: ExportScope): string {
  if (scope.kind === 'all') return 'the whole log';
  if (scope.kind === 'identity-provider') return `identity provider ${scope.providerId}`;
  return `user ${scope.userId} of ${scope.providerId}`;
}

/** Issue 10's audit export and audit verify. */
export const AUDIT_EXPORT_COMMANDS: readonly Command[] = [auditExport, auditVerify];
