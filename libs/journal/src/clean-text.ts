/** U+0000 and unpaired surrogates: what PostgreSQL text and jsonb cannot hold. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` as a text column can hold it: unstorable characters replaced by U+FFFD, at most `maxChars` characters, never half a pair. */
export function cleanText(text: string, maxChars: number): string {
  const cut = text.length > maxChars ? text.slice(0, maxChars) : text;
  return cut.replace(UNSTORABLE, '\ufffd');
}
