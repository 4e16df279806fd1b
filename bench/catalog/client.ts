/**
 * Request loop for bench/catalog/run.ts, in its own process so the client does not share an
 * event loop (or a heap full of seed data) with the server under test. Receives the cases over
 * IPC, sends each path one request at a time after 20 warm-up requests, replies with the
 * latencies and exits.
 */
import { performance } from 'node:perf_hooks';

export interface ClientJob {
  url: string;
  token: string;
  cases: { name: string; paths: string[] }[];
}

export interface ClientResult {
  name: string;
  /** milliseconds, one per request, in order sent */
  times: number[];
  /** requests that found at least one product */
  hits: number;
}

process.once('message', async (job: ClientJob) => {
  const headers = { authorization: `Bearer ${job.token}` };
  const results: ClientResult[] = [];
  for (const c of job.cases) {
    for (const path of c.paths.slice(0, 20)) await (await fetch(job.url + path, { headers })).arrayBuffer();
    const times: number[] = [];
    let hits = 0;
    for (const path of c.paths) {
      const t0 = performance.now();
      const res = await fetch(job.url + path, { headers });
      const body = (await res.json()) as { data?: unknown[] };
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${c.name}: ${path} answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      if (body.data && body.data.length > 0) hits++;
    }
    results.push({ name: c.name, times, hits });
  }
  process.send!(results, () => process.exit(0));
});
