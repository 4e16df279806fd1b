// Test helpers: a tiny webhook receiver and a few typed calls against a running sandbox.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_CARDS, type TerminalKey, type Token } from './contract.ts';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The exact bytes received: verify the signature over these, not a re-serialization. */
  raw: string;
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status codes for the next deliveries, in order; afterwards 200. */
  respondWith(...statuses: number[]): void;
  /** Resolves once `count` webhooks have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    respondWith: (...s) => void statuses.push(...s),
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          cleanup();
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} webhooks, got ${received.length} within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SandboxClient {
  request(method: string, path: string, opts?: { body?: unknown; key?: string | null; idempotencyKey?: string; signal?: AbortSignal }): Promise<{ status: number; headers: Headers; body: any }>;
  tokenize(number?: string, extra?: { exp_month?: number; exp_year?: number; cvc?: string }): Promise<Token>;
  /** A card encrypted to the terminal key with WebCrypto, as an offline till does (store and forward). */
  encryptCard(number?: string, extra?: { exp_month?: number; exp_year?: number; cvc?: string }): Promise<string>;
}

/** Typed fetch calls against a sandbox URL, with the secret key unless told otherwise. */
export function sandboxClient(url: string, keys: { secretKey: string; publishableKey: string }): SandboxClient {
  const request: SandboxClient['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    const key = opts.key === undefined ? keys.secretKey : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  };
  return {
    request,
    async tokenize(number = TEST_CARDS.approve, extra = {}) {
      const res = await request('POST', '/v1/tokens', {
        key: keys.publishableKey,
        body: { number, exp_month: extra.exp_month ?? 12, exp_year: extra.exp_year ?? new Date().getUTCFullYear() + 3, cvc: extra.cvc ?? (number.startsWith('3') ? '1234' : '123') },
      });
      if (res.status !== 200) throw new Error(`tokenize failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as Token;
    },
    async encryptCard(number = TEST_CARDS.approve, extra = {}) {
      const res = await request('GET', '/v1/terminal/key', { key: keys.publishableKey });
      if (res.status !== 200) throw new Error(`terminal key failed: ${res.status} ${JSON.stringify(res.body)}`);
      const { jwk } = res.body as TerminalKey;
      const key = await globalThis.crypto.subtle.importKey('jwk', jwk, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
      const card = { number, exp_month: extra.exp_month ?? 12, exp_year: extra.exp_year ?? new Date().getUTCFullYear() + 3, cvc: extra.cvc ?? (number.startsWith('3') ? '1234' : '123') };
      const sealed = await globalThis.crypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, new TextEncoder().encode(JSON.stringify(card)));
      return Buffer.from(sealed).toString('base64url');
    },
  };
}
