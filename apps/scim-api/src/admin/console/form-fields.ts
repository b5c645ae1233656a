/** A posted form as Nest's urlencoded parser gives it: a name given more than once (checkboxes) holds every value in order. */
export type FormFields = Readonly<Record<string, string | readonly string[]>>;

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
