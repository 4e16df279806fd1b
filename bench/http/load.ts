/**
 * Load generator for bench/http/run.ts. Runs in its own process (forked by run.ts) so autocannon
 * does not share an event loop with the server under test. Receives one job over IPC, runs a
 * warm-up and then the measured run, replies with a summary and exits.
 */
import { randomUUID } from 'node:crypto';
import autocannon, { type Options, type Request, type Result } from 'autocannon';

export interface LoadJob {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** 'create-store': a fresh Idempotency-Key and a unique store name on every request. */
  body: 'none' | 'create-store';
  connections: number;
  /** Seconds. */
  duration: number;
  /** Seconds; 0 skips the warm-up. */
  warmup: number;
}

export interface LoadSummary {
  /** Responses (any status) per second over the measured run. */
  rps: number;
  responses: number;
  durationS: number;
  /** Latency of 2xx responses, ms (microsecond resolution). */
  p50: number;
  p99: number;
  ok2xx: number;
  non2xx: number;
  /** Socket errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  warmup: { responses: number; non2xx: number; errors: number } | null;
}

export type LoadMessage = { type: 'result'; summary: LoadSummary } | { type: 'error'; message: string };

/** Keeps at most MAX_SAMPLES latencies (reservoir sampling past that), so memory stays bounded. */
const MAX_SAMPLES = 2_000_000;

class LatencySamples {
  private buf = new Float64Array(65_536);
  private n = 0;
  private seen = 0;

  add(ms: number): void {
    this.seen++;
    if (this.n < MAX_SAMPLES) {
      if (this.n === this.buf.length) {
        const bigger = new Float64Array(Math.min(this.buf.length * 2, MAX_SAMPLES));
        bigger.set(this.buf);
        this.buf = bigger;
      }
      this.buf[this.n++] = ms;
    } else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < MAX_SAMPLES) this.buf[j] = ms;
    }
  }

  /** Nearest-rank percentiles (NaN when there are no samples). */
  percentiles(ps: number[]): number[] {
    if (this.n === 0) return ps.map(() => Number.NaN);
    const sorted = this.buf.subarray(0, this.n).toSorted();
    return ps.map((p) => sorted[Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1))]!);
  }
}

function requestsFor(job: LoadJob): Request[] {
  const base: Request = { method: job.method, path: job.path, headers: { ...job.headers } };
  if (job.body === 'none') return [base];
  return [
    {
      ...base,
      setupRequest: (req) => {
        const id = randomUUID();
        req.headers = { ...job.headers, 'content-type': 'application/json', 'idempotency-key': `bench-${id}` };
        req.body = JSON.stringify({ name: `Bench ${id}`, timezone: 'UTC' });
        return req;
      },
    },
  ];
}

function runOnce(opts: Options, onResponse?: (status: number, ms: number) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms));
    }
  });
}

export async function runJob(job: LoadJob): Promise<LoadSummary> {
  const common = {
    url: job.url,
    connections: job.connections,
    // a request that takes this long counts as a timeout (an error), not a slow response
    timeout: 10,
    renderProgressBar: false,
    renderResultsTable: false,
  } satisfies Partial<Options>;

  let warmup: LoadSummary['warmup'] = null;
  if (job.warmup > 0) {
    const w = await runOnce({ ...common, duration: job.warmup, requests: requestsFor(job) });
    warmup = { responses: w.requests.total, non2xx: w.non2xx, errors: w.errors };
  }

  const samples = new LatencySamples();
  const r = await runOnce({ ...common, duration: job.duration, requests: requestsFor(job) }, (status, ms) => {
    if (status >= 200 && status < 300) samples.add(ms);
  });
  const statusCounts: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCounts[code] = count;
  const responses = r.requests.total;
  const [p50, p99] = samples.percentiles([50, 99]);
  return {
    rps: r.duration > 0 ? responses / r.duration : 0,
    responses,
    durationS: r.duration,
    p50: p50!,
    p99: p99!,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCounts,
    warmup,
  };
}

// Child-process entry: one job in, one message out.
if (process.send) {
  process.once('message', (job: LoadJob) => {
    runJob(job).then(
      (summary) => process.send!({ type: 'result', summary } satisfies LoadMessage, () => process.exit(0)),
      (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies LoadMessage, () => process.exit(1)),
    );
  });
}
