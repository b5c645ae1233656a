/** A posted form: a name given more than once (checkboxes) holds every value in order. */
export type FormFields = Readonly<Record<string, string | readonly string[]>>;

export function parseForm(body: string): FormFields {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = fields.get(name);
    fields.set(name, seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]);
  }
  return Object.fromEntries(fields);
}

/** One field's text, trimmed; undefined when absent, empty or given more than once. */
export function formText(body: unknown, name: string): string | undefined {
  const value = fieldsOf(body)[name];
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** Every value of a field given any number of times. */
export function formList(body: unknown, name: string): string[] {
  const value = fieldsOf(body)[name];
  return typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function fieldsOf(body: unknown): FormFields {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as FormFields) : {};
}
