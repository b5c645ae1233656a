/** How a figure reads: rates are better higher, latencies, memory and lag lower. */
export type Better = 'higher' | 'lower';

interface Series {
  readonly unit: string;
  readonly better: Better;
  /** Per checkout label (`current`, `baseline`), one value per slice or run. */
  readonly samples: Record<string, number[]>;
}

export const median = (values: readonly number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The figures of one store, in the order they were first recorded; summaries are medians, compared as current / baseline. */
export class StoreResults {
  private readonly series = new Map<string, Series>();
  /** Facts about the store shown above its table, e.g. PostgreSQL's fsync setting. */
  readonly notes: Record<string, string> = {};

  constructor(readonly store: string) {}

  add(metric: string, unit: string, better: Better, label: string, value: number): void {
    const series = this.series.get(metric) ?? { unit, better, samples: {} };
    this.series.set(metric, series);
    (series.samples[label] ??= []).push(value);
  }

  /** Rows: metric, unit, then the median per label, then current / baseline when both ran. */
  table(labels: readonly string[]): string[][] {
    const rows = [['figure', 'unit', ...labels.map((l) => `${l} (median)`), ...(labels.length > 1 ? ['current / baseline'] : [])]];
    for (const [metric, series] of this.series) {
      const medians = labels.map((l) => median(series.samples[l] ?? []));
      const ratio = medians.length > 1 ? medians[0] / medians[1] : NaN;
      rows.push([metric, series.unit, ...medians.map(format), ...(labels.length > 1 ? [Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–'] : [])]);
    }
    return rows;
  }

  toJSON(): object {
    const metrics = Object.fromEntries(
      [...this.series].map(([metric, s]) => [metric, { ...s, median: Object.fromEntries(Object.entries(s.samples).map(([l, v]) => [l, median(v)])) }]),
    );
    return { store: this.store, notes: this.notes, metrics };
  }
}

function format(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** A Markdown table (pipes), which both a terminal and bench/README.md show well. */
export function markdownTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]) => `| ${r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w, c) => (c < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}
