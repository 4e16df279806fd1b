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

/**
 * A long run of digits in a URL is a bearer code (a gift card in `/gift-cards/:code`): only its
 * last four digits are logged, as on a receipt.
 */
export function maskUrl(url: string): string {
  return url.replace(/\d(?:[\d -]{10,30})(\d{4})(?=[/?#]|$)/g, (_m, last4: string) => `…${last4}`);
}

interface LoggedRequest {
  method?: string;
  url?: string;
  id?: unknown;
  ip?: string;
  hostname?: string;
  socket?: { remotePort?: number };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'novapos' },
      serializers: {
        req: (req: LoggedRequest) => ({ method: req.method, url: maskUrl(String(req.url ?? '')), id: req.id, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
      },
    },
    destination,
  );
}
