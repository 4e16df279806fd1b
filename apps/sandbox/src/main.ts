// Standalone entry: `node apps/sandbox/bin/sandbox.js`, configured from the environment.
import pino from 'pino';
import { startSandbox, TEST_CARDS } from './index.ts';

const env = process.env;
const int = (name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};

const log = pino({ level: env.SANDBOX_LOG_LEVEL ?? 'info', base: { service: 'novapos-sandbox' } });
const sandbox = await startSandbox({
  port: int('SANDBOX_PORT', 3001),
  host: env.SANDBOX_HOST || '127.0.0.1',
  ...(env.SANDBOX_SECRET_KEY ? { secretKey: env.SANDBOX_SECRET_KEY } : {}),
  ...(env.SANDBOX_PUBLISHABLE_KEY ? { publishableKey: env.SANDBOX_PUBLISHABLE_KEY } : {}),
  ...(env.SANDBOX_WEBHOOK_SECRET ? { webhookSecret: env.SANDBOX_WEBHOOK_SECRET } : {}),
  ...(env.SANDBOX_WEBHOOK_URL ? { webhookUrl: env.SANDBOX_WEBHOOK_URL } : {}),
  ...(env.SANDBOX_PUBLIC_URL ? { publicUrl: env.SANDBOX_PUBLIC_URL } : {}),
  timeoutCard: env.SANDBOX_TIMEOUT_CARD || TEST_CARDS.timeout,
  timeoutMs: int('SANDBOX_TIMEOUT_MS', 30_000),
  processingDelayMs: int('SANDBOX_PROCESSING_DELAY_MS', 0),
  logger: log,
});
log.info({ url: sandbox.url, webhook_url: env.SANDBOX_WEBHOOK_URL ?? null }, 'payment sandbox listening');

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'payment sandbox stopping');
  void sandbox.close().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'close failed');
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
