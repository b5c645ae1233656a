import { cleanText } from './clean-text';

/** An error answer is a small JSON document; a larger payload is no error body worth parsing. */
const MAX_PAYLOAD_CHARS = 16_384;
const MAX_DETAIL_CHARS = 2_048;

export interface ErrorAnswer {
  readonly scimType: string | null;
  readonly detail: string | null;
}

/** The scimType and detail of an RFC 7644 §3.12 error answer, or null when the payload is not one. */
export function errorOfAnswer(payload: unknown): ErrorAnswer | null {
  if (typeof payload !== 'string' || payload.length > MAX_PAYLOAD_CHARS) return null;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object') return null;
  const { scimType, detail } = body as Record<string, unknown>;
  const text = (value: unknown, max: number) => (typeof value === 'string' ? cleanText(value, max) : null);
  if (scimType === undefined && detail === undefined) return null;
  return { scimType: text(scimType, 64), detail: text(detail, MAX_DETAIL_CHARS) };
}
