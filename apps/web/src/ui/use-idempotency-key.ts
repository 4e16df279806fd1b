import { useMemo, useRef } from 'react';

export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; a till on a LAN address over http may not be one.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One key per user intent: resubmitting the same body (a retry after a timeout) reuses the key,
 * so the server replays instead of creating twice; an edited body is a new intent and a new key
 * (the server refuses a reused key with a different body).
 */
export function useIdempotencyKey() {
  const last = useRef<{ body: string; key: string } | null>(null);
  return useMemo(
    () => ({
      keyFor(body: unknown): string {
        const s = JSON.stringify(body);
        if (last.current?.body !== s) last.current = { body: s, key: newIdempotencyKey() };
        return last.current.key;
      },
      /** After success: the next submission is a new intent even with the same body. */
      done() {
        last.current = null;
      },
    }),
    [],
  );
}
