/** A browser's datetime-local value (2026-12-02T07:00) taken as UTC, as the forms say; anything else as typed (an ISO 8601 time with a zone, a log position). */
export function asInstant(text: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text.trim()) ? `${text.trim()}Z` : text.trim();
}
