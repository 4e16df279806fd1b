// Fault controls for tests: the same switches in-process (`sandbox.faults`) and over HTTP (`POST /__faults`).
import { z } from 'zod';

/**
 * A route is `"METHOD /template"` (e.g. `"POST /v1/charges"`, `"GET /v1/charges/:id"`), a template
 * alone (any method), or `"*"` (every `/v1` route).
 */
export type RouteSelector = string;

export interface FaultSnapshot {
  latency_ms: Record<RouteSelector, number>;
  fail_next: { remaining: number; status: number; route: RouteSelector };
  timeout_next: { remaining: number; processed: boolean };
  drop_webhooks: number;
  duplicate_webhooks: number;
}

export interface FaultControls {
  /** Adds `ms` before every matching request is handled; 0 removes it. */
  latency(ms: number, route?: RouteSelector): void;
  /** The next `n` matching requests answer `status` (default 500) without being processed. */
  failNext(n: number, opts?: { status?: number; route?: RouteSelector }): void;
  /**
   * The next `n` `POST /v1/charges` never get a response: the connection is held for the timeout
   * delay, then dropped. With `processed` (default true) the charge is made first, so a
   * retrieve by idempotency key finds it; without, the request is lost before the processor.
   */
  timeoutNext(n: number, opts?: { processed?: boolean }): void;
  /** The next `n` webhook events are not sent at all. */
  dropWebhooks(n: number): void;
  /** The next `n` webhook events are delivered twice (same event id, same body). */
  duplicateWebhooks(n?: number): void;
  reset(): void;
  snapshot(): FaultSnapshot;
}

export const FaultsRequest = z.strictObject({
  reset: z.boolean().optional(),
  latency_ms: z.int().min(0).max(600_000).optional(),
  latency_route: z.string().min(1).max(200).optional(),
  fail_next: z.int().min(0).max(1_000_000).optional(),
  fail_status: z.int().min(500).max(599).optional(),
  fail_route: z.string().min(1).max(200).optional(),
  timeout_next: z.int().min(0).max(1_000_000).optional(),
  timeout_processed: z.boolean().optional(),
  drop_webhooks: z.int().min(0).max(1_000_000).optional(),
  duplicate_webhooks: z.int().min(0).max(1_000_000).optional(),
});
export type FaultsRequest = z.infer<typeof FaultsRequest>;

function matches(selector: RouteSelector, method: string, route: string): boolean {
  return selector === '*' || selector === route || selector === `${method} ${route}`;
}

export function createFaults() {
  let latency = new Map<RouteSelector, number>();
  let fail = { remaining: 0, status: 500, route: '*' as RouteSelector };
  let timeout = { remaining: 0, processed: true };
  let drop = 0;
  let duplicate = 0;

  const controls: FaultControls = {
    latency(ms, route = '*') {
      if (ms > 0) latency.set(route, ms);
      else latency.delete(route);
    },
    failNext(n, opts = {}) {
      fail = { remaining: n, status: opts.status ?? 500, route: opts.route ?? '*' };
    },
    timeoutNext(n, opts = {}) {
      timeout = { remaining: n, processed: opts.processed ?? true };
    },
    dropWebhooks(n) {
      drop = n;
    },
    duplicateWebhooks(n = 1) {
      duplicate = n;
    },
    reset() {
      latency = new Map();
      fail = { remaining: 0, status: 500, route: '*' };
      timeout = { remaining: 0, processed: true };
      drop = 0;
      duplicate = 0;
    },
    snapshot() {
      return {
        latency_ms: Object.fromEntries(latency),
        fail_next: { ...fail },
        timeout_next: { ...timeout },
        drop_webhooks: drop,
        duplicate_webhooks: duplicate,
      };
    },
  };

  return {
    controls,
    apply(req: FaultsRequest): FaultSnapshot {
      if (req.reset) controls.reset();
      if (req.latency_ms !== undefined) controls.latency(req.latency_ms, req.latency_route);
      if (req.fail_next !== undefined) controls.failNext(req.fail_next, { status: req.fail_status, route: req.fail_route });
      if (req.timeout_next !== undefined) controls.timeoutNext(req.timeout_next, { processed: req.timeout_processed });
      if (req.drop_webhooks !== undefined) controls.dropWebhooks(req.drop_webhooks);
      if (req.duplicate_webhooks !== undefined) controls.duplicateWebhooks(req.duplicate_webhooks);
      return controls.snapshot();
    },
    /** The most specific matching latency: method and route, then route, then `*`. */
    latencyFor(method: string, route: string): number {
      return latency.get(`${method} ${route}`) ?? latency.get(route) ?? latency.get('*') ?? 0;
    },
    takeFailure(method: string, route: string): number | null {
      if (fail.remaining <= 0 || !matches(fail.route, method, route)) return null;
      fail.remaining--;
      return fail.status;
    },
    takeTimeout(): { processed: boolean } | null {
      if (timeout.remaining <= 0) return null;
      timeout.remaining--;
      return { processed: timeout.processed };
    },
    takeWebhookFate(): 'drop' | 'duplicate' | 'send' {
      if (drop > 0) {
        drop--;
        return 'drop';
      }
      if (duplicate > 0) {
        duplicate--;
        return 'duplicate';
      }
      return 'send';
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;
