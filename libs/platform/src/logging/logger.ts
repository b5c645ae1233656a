import pino, { DestinationStream, Logger } from 'pino';
import { serializeError } from './error-serializer';

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

/** JSON logs; errors are reduced to what failed and where (see serializeError), never their values. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { err: serializeError }, base: { service: 'scim-ingress' } },
    destination,
  );
}
