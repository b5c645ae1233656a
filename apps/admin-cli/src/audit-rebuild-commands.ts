import { setTimeout as sleep } from 'node:timers/promises';
import type { Command, CommandContext, RunCommand } from './command';
import { table } from './render';

/** The parts of a rebuild job (GET /audit/rebuilds/{id}) the CLI reads. */
export interface RebuildJobView {
  readonly id: string;
  readonly state: 'running' | 'done' | 'failed';
  readonly progress?: { readonly phase: string; readonly eventsReplayed: number; readonly position: number; readonly headPosition: number; readonly percent: number };
  readonly report?: {
    readonly position: number;
    readonly eventsReplayed: number;
    readonly failedStreams: number;
    readonly promoted: boolean;
    readonly comparison?: {
      readonly differenceCount: number;
      readonly differences: readonly { table: string; key: Record<string, string>; kind: string; columns?: readonly string[] }[];
    };
  };
  readonly error?: string;
}

const POLL_MS = 250;
const BAR_WIDTH = 30;

/** `[#########.....]  42.0%  1234 events  replaying`: one line, redrawn in place on a terminal. */
export function progressLine(job: RebuildJobView): string {
  const { phase, eventsReplayed, percent } = job.progress ?? { phase: 'starting', eventsReplayed: 0, percent: 0 };
  if (job.state === 'done') return bar(100, job.report?.eventsReplayed ?? eventsReplayed, 'done');
  return bar(percent, eventsReplayed, job.state === 'failed' ? 'failed' : phase);
}

function bar(percent: number, eventsReplayed: number, phase: string): string {
  const filled = Math.round((Math.min(Math.max(percent, 0), 100) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent.toFixed(1).padStart(5)}%  ${eventsReplayed} events  ${phase}`;
}

/** The finished job as a person reads it: the differences (never values, only key and column names), then the verdict. */
export function renderRebuild(job: RebuildJobView): string {
  if (job.state === 'failed' || !job.report) return `Rebuild ${job.id} failed: ${job.error ?? 'no reason recorded'}\n`;
  const { position, eventsReplayed, failedStreams, promoted, comparison } = job.report;
  const at = `after ${eventsReplayed} events at position ${position}`;
  const failures = failedStreams > 0 ? `${failedStreams} streams failed to project into the rebuilt model (as in the live quarantine)\n` : '';
  if (!comparison) return `${failures}rebuilt: ${at}, not compared (add --verify)\n`;
  const { differenceCount, differences } = comparison;
  if (differenceCount === 0) return `${failures}consistent: 0 differences ${at}\n`;
  const rows = table(differences, [
    ['TABLE', (d) => d.table],
    ['KEY', (d) => Object.entries(d.key).map(([column, value]) => `${column}=${value}`).join(' ')],
    ['KIND', (d) => d.kind],
    ['COLUMNS', (d) => d.columns],
  ]);
  const shown = differences.length < differenceCount ? ` (the first ${differences.length} listed)` : '';
  const fixed = promoted ? 'promoted: the live read model now equals the rebuilt one\n' : '';
  return `${rows}${failures}${differenceCount} differences${shown} ${at}\n${fixed}`;
}

/** 0 when the models agreed (or were not compared), 1 when they differed or the rebuild failed. */
export function rebuildExitCode(job: RebuildJobView): number {
  return job.state === 'done' && (job.report?.comparison?.differenceCount ?? 0) === 0 ? 0 : 1;
}

const auditRebuild: RunCommand = {
  name: 'audit rebuild',
  positionals: [],
  switches: ['verify', 'promote'],
  usage:
    'audit rebuild [--verify] [--promote]   (replays the log into a fresh read model; --verify compares it row by row with the live one, --promote ' +
    'makes the live one equal to it; exit 0 when consistent, 1 when differences were found, promoted or not, or the rebuild failed)',
  run: async ({ options }, context) => {
    const body = { verify: options.verify !== undefined, promote: options.promote !== undefined };
    const { id } = (await context.call({ method: 'POST', path: '/audit/rebuilds', body })) as { id: string };
    const job = await follow(id, context);
    if (context.json) await context.write(`${JSON.stringify(job, null, 2)}\n`);
    else if (job.state === 'failed') context.err(renderRebuild(job));
    else await context.write(renderRebuild(job));
    return rebuildExitCode(job);
  },
};

/** Polls the job until it ends: a bar redrawn on a terminal, else one line per phase (none with --json). */
async function follow(id: string, context: CommandContext): Promise<RebuildJobView> {
  let phase = '';
  for (;;) {
    const job = (await context.call({ method: 'GET', path: `/audit/rebuilds/${encodeURIComponent(id)}` })) as RebuildJobView;
    if (context.errIsTerminal) context.err(`\r${progressLine(job)}${job.state === 'running' ? '' : '\n'}`);
    else if (!context.json && job.progress && job.progress.phase !== phase) context.err(`rebuild ${id}: ${job.progress.phase}\n`);
    phase = job.progress?.phase ?? phase;
    if (job.state !== 'running') return job;
    await sleep(POLL_MS);
  }
}

/** Issue 10's audit rebuild. */
export const AUDIT_REBUILD_COMMANDS: readonly Command[] = [auditRebuild];
