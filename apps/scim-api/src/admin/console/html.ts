/** Markup that is already safe: what {@link html} builds; only it (and the fixed assets) makes one. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value: the console's one escaping rule. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Fragment = SafeHtml | string | number | boolean | null | undefined | readonly Fragment[];

/**
 * The console's template tag: every interpolated value is escaped unless it is itself built by
 * `html` (nested templates, lists of them); null, undefined and false render as nothing.
 */
export function html(strings: TemplateStringsArray, ...values: Fragment[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, text, i) => out + text + (i < values.length ? render(values[i]) : ''), ''));
}

function render(value: Fragment): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}
