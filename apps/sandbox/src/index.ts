// The payment sandbox: a fake card processor and crypto checkout over HTTP, in memory per process.
import type { FastifyBaseLogger } from 'fastify';
import { registerCardRoutes } from './cards.routes.ts';
import { createCardService } from './cards.service.ts';
import { DEFAULT_PUBLISHABLE_KEY, DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, TEST_CARDS, type TerminalKey } from './contract.ts';
import { registerControlRoutes } from './control.routes.ts';
import { registerCryptoRoutes } from './crypto.routes.ts';
import { createCryptoService } from './crypto.service.ts';
import { createFaults, type FaultControls } from './faults.ts';
import { createHttp, type RequestCounts } from './http.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { createTerminalKey } from './terminal-key.ts';
import { createTimers } from './timers.ts';
import { createWebhookSender, type EventRecord } from './webhooks.ts';

export * from './contract.ts';
export type { FaultControls, FaultSnapshot, RouteSelector } from './faults.ts';
export type { DeliveryAttempt, DeliveryState, EventRecord } from './webhooks.ts';
export { luhnValid, detectBrand } from './cards.ts';
export { newTerminalKeyPem } from './terminal-key.ts';
export { SIGNATURE_HEADER, computeSignature, signatureHeader, verifySignature, type VerifyResult } from './signature.ts';

export interface SandboxOptions {
  /** Default 0: an ephemeral port (the standalone binary uses SANDBOX_PORT, default 3001). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  secretKey?: string;
  publishableKey?: string;
  webhookSecret?: string;
  /** Where webhooks go unless a crypto charge names its own in `metadata.webhook_url`. */
  webhookUrl?: string | null;
  /** Base of `hosted_url` as the customer's browser reaches it; default the listening URL. */
  publicUrl?: string;
  clock?: () => Date;
  /** A pino/Fastify logger, or true for Fastify's default; default silent. */
  logger?: FastifyBaseLogger | boolean;
  /** The card number that times out; default 4000000000000408. */
  timeoutCard?: string;
  /** How long a timed-out charge request is held before its connection is dropped; default 30 s. */
  timeoutMs?: number;
  /** Simulated authorization time per charge; default 0 (still asynchronous). */
  processingDelayMs?: number;
  /** Waits between webhook attempts; default [1000, 2000, 4000, 8000] (5 attempts). */
  webhookRetryDelaysMs?: readonly number[];
  /** Per-attempt webhook timeout; default 5 s. */
  webhookTimeoutMs?: number;
  /** Expiry sweep and idempotency-key pruning interval; default 1 s. */
  sweepIntervalMs?: number;
  /** PKCS#8 PEM of the terminal key (offline card encryption); default a new one per process. */
  terminalKeyPem?: string;
}

export interface SandboxState {
  tokens: { created: number; used: number };
  charges: { count: number; by_status: Record<string, number>; by_idempotency_key: Record<string, number> };
  refunds: { count: number; by_idempotency_key: Record<string, number> };
  crypto_charges: { count: number; by_status: Record<string, number>; by_idempotency_key: Record<string, number> };
  webhooks: {
    events: number;
    by_type: Record<string, number>;
    by_state: Record<string, number>;
    sent: number;
    delivered: number;
    failed_attempts: number;
    dropped: number;
    duplicated: number;
    in_flight: number;
  };
  requests: RequestCounts;
  idempotency_keys: number;
}

export interface Sandbox {
  url: string;
  port: number;
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** The public key tills encrypt offline cards to (also served at GET /v1/terminal/key). */
  terminalKey: TerminalKey;
  faults: FaultControls;
  state(): SandboxState;
  /** Every webhook event with its delivery attempts. */
  events(): EventRecord[];
  setWebhookUrl(url: string | null): void;
  /** Resolves once no webhook delivery (retries included) is under way. */
  webhooksIdle(): Promise<void>;
  /** Expires due crypto charges now (for an injected clock that jumped ahead). */
  sweep(): void;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const now = opts.clock ?? (() => new Date());
  const secretKey = opts.secretKey ?? DEFAULT_SECRET_KEY;
  const publishableKey = opts.publishableKey ?? DEFAULT_PUBLISHABLE_KEY;
  const webhookSecret = opts.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
  const timers = createTimers();
  const faults = createFaults();
  const idempotency = createIdempotencyStore(() => now().getTime());
  const http = createHttp({
    logger: opts.logger ?? false,
    secretKey,
    publishableKey,
    faults,
    timers,
    idempotency,
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
  const webhooks = createWebhookSender({
    secret: webhookSecret,
    url: opts.webhookUrl ?? null,
    now,
    timers,
    faults,
    log: http.app.log,
    retryDelaysMs: opts.webhookRetryDelaysMs ?? [1000, 2000, 4000, 8000],
    attemptTimeoutMs: opts.webhookTimeoutMs ?? 5000,
  });
  let publicUrl = opts.publicUrl?.replace(/\/+$/, '') ?? '';
  const cards = createCardService({ now, timeoutCard: opts.timeoutCard ?? TEST_CARDS.timeout });
  const crypto = createCryptoService({ now, timers, webhooks, publicUrl: () => publicUrl });

  const state = (): SandboxState => ({
    ...cards.stats(),
    crypto_charges: crypto.stats(),
    webhooks: webhooks.stats(),
    requests: { ...http.counts },
    idempotency_keys: idempotency.size,
  });

  const terminalKey = createTerminalKey(opts.terminalKeyPem);
  registerCardRoutes({ http, cards, faults, timers, processingDelayMs: opts.processingDelayMs ?? 0, terminalKey });
  registerCryptoRoutes({ http, crypto, webhooks });
  registerControlRoutes({ http, faults, state });

  const host = opts.host ?? '127.0.0.1';
  await http.app.listen({ port: opts.port ?? 0, host });
  const address = http.app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  publicUrl ||= url;

  timers.every(opts.sweepIntervalMs ?? 1000, () => {
    crypto.expireDue();
    idempotency.prune();
  });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    secretKey,
    publishableKey,
    webhookSecret,
    terminalKey: terminalKey.publicKey,
    faults: faults.controls,
    state,
    events: () => webhooks.records(),
    setWebhookUrl: (u) => webhooks.setUrl(u),
    webhooksIdle: () => webhooks.idle(),
    sweep: () => crypto.expireDue(),
    close() {
      closing ??= (async () => {
        timers.stop();
        webhooks.close();
        await http.app.close();
        await webhooks.idle();
      })();
      return closing;
    },
  };
}
