import pino, { DestinationStream, Logger } from 'pino';

/** Paths never written to a log: credentials, and request bodies (they are full user records). */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'body',
  '*.body',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'scim-ingress' } }, destination);
}
