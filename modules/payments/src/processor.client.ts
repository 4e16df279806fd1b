// The processor's HTTP API as this server calls it (the sandbox in development and tests, shaped
// like a card processor's). Every call has a client timeout; an answer that never came is a
// result of its own, because then nobody knows whether money moved.
import type { ApiError, Charge, CryptoCharge, List, Refund } from '@novapos/sandbox';

export interface ProcessorConfig {
  url: string;
  secretKey: string;
  webhookSecret: string;
  /** Client timeout per call; default 10 s. */
  timeoutMs?: number | undefined;
  /** How long a crypto checkout stays payable; default 900 s. */
  cryptoExpiresInSeconds?: number | undefined;
}

export type CallResult<T> =
  | { kind: 'ok'; value: T }
  /** the processor answered with an error (a decline is one) */
  | { kind: 'error'; status: number; error: ApiError }
  /** no answer in time, the connection dropped, or a 5xx: the request may or may not have been processed */
  | { kind: 'unknown'; message: string }
  /** the connection was refused: the request never reached the processor */
  | { kind: 'unreachable'; message: string };

export interface ProcessorClient {
  /** With the terminal's one-use token, or (store and forward) the card encrypted to the processor's terminal key. */
  charge(input: { amount: number; currency: string; token?: string; encryptedCard?: string; idempotencyKey: string; metadata: Record<string, string> }): Promise<CallResult<Charge>>;
  /** The charge made under an idempotency key, or null when the processor never saw that request. */
  findCharge(idempotencyKey: string): Promise<CallResult<Charge | null>>;
  voidCharge(chargeId: string, idempotencyKey: string): Promise<CallResult<Charge>>;
  refund(input: { charge: string; amount: number; reason: string; idempotencyKey: string }): Promise<CallResult<Refund>>;
  getCharge(chargeId: string): Promise<CallResult<Charge>>;
  createCryptoCharge(input: { amount: number; currency: string; webhookUrl: string | null; idempotencyKey: string; metadata: Record<string, string> }): Promise<CallResult<CryptoCharge>>;
  getCryptoCharge(id: string): Promise<CallResult<CryptoCharge>>;
  findCryptoCharge(idempotencyKey: string): Promise<CallResult<CryptoCharge | null>>;
}

export const DEFAULT_PROCESSOR_TIMEOUT_MS = 10_000;

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return cause && typeof cause.code === 'string' ? cause.code : undefined;
}

export function createProcessorClient(config: ProcessorConfig): ProcessorClient {
  const base = config.url.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? DEFAULT_PROCESSOR_TIMEOUT_MS;

  async function call<T>(method: 'GET' | 'POST', path: string, opts: { body?: unknown; idempotencyKey?: string } = {}): Promise<CallResult<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${config.secretKey}` };
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      text = await res.text();
    } catch (err) {
      const code = causeCode(err);
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'unreachable', message: `processor unreachable (${code})` };
      const name = (err as Error).name;
      return { kind: 'unknown', message: name === 'TimeoutError' ? `no answer from the processor within ${timeoutMs} ms` : `processor connection failed (${code ?? name})` };
    }
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      return { kind: 'unknown', message: `processor answered ${res.status} with a body that is not JSON` };
    }
    if (res.status >= 500) return { kind: 'unknown', message: `processor answered ${res.status}` };
    if (res.status >= 400) {
      const error = (body as { error?: ApiError } | null)?.error ?? ({ type: 'api_error', code: 'processing_error', message: `HTTP ${res.status}` } as ApiError);
      return { kind: 'error', status: res.status, error };
    }
    return { kind: 'ok', value: body as T };
  }

  const first = <T>(r: CallResult<List<T>>): CallResult<T | null> => (r.kind === 'ok' ? { kind: 'ok', value: r.value.data[0] ?? null } : r);

  return {
    charge: (i) =>
      call('POST', '/v1/charges', {
        idempotencyKey: i.idempotencyKey,
        body: { amount: i.amount, currency: i.currency, ...(i.token ? { token: i.token } : { encrypted_card: i.encryptedCard }), capture: true, metadata: i.metadata },
      }),
    findCharge: async (key) => first(await call<List<Charge>>('GET', `/v1/charges?idempotency_key=${encodeURIComponent(key)}`)),
    voidCharge: (id, key) => call('POST', `/v1/charges/${encodeURIComponent(id)}/void`, { idempotencyKey: key, body: {} }),
    refund: (i) => call('POST', '/v1/refunds', { idempotencyKey: i.idempotencyKey, body: { charge: i.charge, amount: i.amount, reason: i.reason } }),
    getCharge: (id) => call('GET', `/v1/charges/${encodeURIComponent(id)}`),
    createCryptoCharge: (i) =>
      call('POST', '/v1/crypto/charges', {
        idempotencyKey: i.idempotencyKey,
        body: {
          amount: i.amount,
          currency: i.currency,
          metadata: { ...i.metadata, ...(i.webhookUrl ? { webhook_url: i.webhookUrl } : {}) },
          expires_in_seconds: config.cryptoExpiresInSeconds ?? 900,
        },
      }),
    getCryptoCharge: (id) => call('GET', `/v1/crypto/charges/${encodeURIComponent(id)}`),
    findCryptoCharge: async (key) => first(await call<List<CryptoCharge>>('GET', `/v1/crypto/charges?idempotency_key=${encodeURIComponent(key)}`)),
  };
}
