import pino, { type Logger } from 'pino';

/**
 * Secrets never reach the log: request bodies are not logged at all, and these paths are
 * censored wherever they appear in a logged object.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'pin',
  '*.pin',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'api_key',
  '*.api_key',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'novapos' } }, destination);
}
