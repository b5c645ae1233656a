import { createHash } from 'node:crypto';

/** Tokens are high-entropy random secrets, so one SHA-256 is enough: no per-request slow hash. */
export function digestToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
