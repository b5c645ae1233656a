/** Plain-text shapes for a terminal: aligned columns, and labelled fields. */

export type Column<Row> = readonly [header: string, value: (row: Row) => unknown];

/** Rows under aligned headers; an empty list says so. */
export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = [columns.map(([header]) => header), ...rows.map((row) => columns.map(([, value]) => text(value(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

/** `Label:  value` lines, labels aligned; absent values are left out. */
export function fields(entries: readonly (readonly [label: string, value: unknown])[]): string {
  const present = entries.filter(([, value]) => value !== undefined && value !== null);
  const width = Math.max(...present.map(([label]) => label.length)) + 1;
  return present.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${text(value)}`).join('\n') + '\n';
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value)) return value.map(text).join(',');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
