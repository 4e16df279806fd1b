// Processor-side idempotency keys, as Stripe keeps them: the first request's response is saved
// (declines included) and replayed for the same key and request; another request under the same
// key is refused. Concurrent requests with one key wait for the first and get its response.
import { createHash } from 'node:crypto';

export interface SavedResponse {
  status: number;
  body: unknown;
}

export type IdempotentOutcome =
  | { kind: 'fresh'; response: SavedResponse }
  | { kind: 'replayed'; response: SavedResponse }
  | { kind: 'mismatch' };

interface Entry {
  fingerprint: string;
  savedAt: number;
  result: Promise<SavedResponse>;
}

export const KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** A stable digest of what the request asks for: method, path and the validated body. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function createIdempotencyStore(now: () => number) {
  const entries = new Map<string, Entry>();
  return {
    async run(key: string, print: string, execute: () => Promise<SavedResponse>): Promise<IdempotentOutcome> {
      const existing = entries.get(key);
      if (existing) {
        if (existing.fingerprint !== print) return { kind: 'mismatch' };
        return { kind: 'replayed', response: await existing.result };
      }
      const result = execute();
      entries.set(key, { fingerprint: print, savedAt: now(), result });
      try {
        return { kind: 'fresh', response: await result };
      } catch (err) {
        // nothing was saved: a retry with this key executes again
        entries.delete(key);
        throw err;
      }
    },
    prune() {
      const cutoff = now() - KEY_TTL_MS;
      for (const [key, entry] of entries) if (entry.savedAt < cutoff) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
