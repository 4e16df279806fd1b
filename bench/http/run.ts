/**
 * HTTP benchmark: requests/s and p50/p99 latency of NovaPOS's HTTP stack, on PGlite (in-memory)
 * and on a throwaway PostgreSQL server, each against ONE server process:
 *
 *   ceiling  GET  /bench/ceiling  bare Fastify route on the same instance (no auth, no database)
 *   me       GET  /api/v1/me      bearer token: authentication + a read transaction
 *   stores   POST /api/v1/stores  a new store per request, unique Idempotency-Key per request
 *
 * The server runs in this process; autocannon runs in a forked child (bench/http/load.ts) so the
 * load generator does not share the server's event loop. Run: `npm run bench:http`.
 *
 * Env: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default min(2, duration)),
 * BENCH_CONNECTIONS (all cases; default 32 for GETs, 10 for the POST), BENCH_POST_CONNECTIONS,
 * BENCH_KINDS (default "pglite,postgres"), BENCH_POOL_SIZE (PostgreSQL pool, default 10).
 * Exits 1 if any case has more than 1% non-2xx responses or socket errors.
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '@novapos/platform';
import { createNovaPos, type NovaPos } from '@novapos/server';
import { createPgDatabase, pgAvailable, startPostgres, type PgServer } from '@novapos/testkit';
import type { LoadJob, LoadMessage, LoadSummary } from './load.ts';
import { intEnv } from '../env.ts';

type Kind = 'pglite' | 'postgres';
type CaseName = 'ceiling' | 'me' | 'stores';

const MAX_FAILURE_RATIO = 0.01;

const duration = intEnv('BENCH_DURATION', 10, 1, 300);
const warmup = intEnv('BENCH_WARMUP', Math.min(2, duration), 0, 60);
const connAll = process.env.BENCH_CONNECTIONS ? intEnv('BENCH_CONNECTIONS', 32, 1, 1000) : null;
const getConnections = connAll ?? 32;
const postConnections = intEnv('BENCH_POST_CONNECTIONS', connAll ?? 10, 1, 1000);
const poolSize = intEnv('BENCH_POOL_SIZE', 10, 1, 200);
const kinds = (process.env.BENCH_KINDS ?? 'pglite,postgres').split(',').map((k) => k.trim()).filter(Boolean);
for (const k of kinds) if (k !== 'pglite' && k !== 'postgres') throw new Error(`BENCH_KINDS: unknown kind ${JSON.stringify(k)} (want pglite and/or postgres)`);

interface CaseDef {
  name: CaseName;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  auth: boolean;
  body: LoadJob['body'];
  connections: number;
  expect: number;
}

// the ceiling runs first so it is measured on a fresh process, before the database cases
const CASES: CaseDef[] = [
  { name: 'ceiling', label: 'GET /bench/ceiling', method: 'GET', path: '/bench/ceiling', auth: false, body: 'none', connections: getConnections, expect: 200 },
  { name: 'me', label: 'GET /api/v1/me', method: 'GET', path: '/api/v1/me', auth: true, body: 'none', connections: getConnections, expect: 200 },
  { name: 'stores', label: 'POST /api/v1/stores', method: 'POST', path: '/api/v1/stores', auth: true, body: 'create-store', connections: postConnections, expect: 201 },
];

interface Row {
  kind: Kind;
  def: CaseDef;
  s: LoadSummary;
}

const LOAD_SCRIPT = fileURLToPath(new URL('./load.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

/** Runs one job in a forked load-generator process; bounded by a hard timeout. */
function runLoad(job: LoadJob): Promise<LoadSummary> {
  return new Promise((resolve, reject) => {
    const child = fork(LOAD_SCRIPT, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const limitMs = (job.warmup + job.duration + 60) * 1000;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`load generator did not finish within ${limitMs / 1000} s`));
    }, limitMs);
    child.once('message', (msg: LoadMessage) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (msg.type === 'result') resolve(msg.summary);
      else reject(new Error(`load generator failed: ${msg.message}`));
    });
    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`load generator exited early (code ${code}, signal ${signal})`));
    });
    child.send(job);
  });
}

async function startServer(kind: Kind, dataDir: string, urls: { appUrl: string; ownerUrl: string } | null): Promise<{ app: NovaPos; url: string }> {
  const overrides: Partial<Config> = { dataDir, pgliteDir: 'memory://', masterKey: randomBytes(32), port: 0, host: '127.0.0.1', sandboxPort: null, logLevel: 'warn' };
  if (kind === 'postgres') {
    if (!urls) throw new Error('postgres kind needs database URLs');
    Object.assign(overrides, { databaseUrl: urls.appUrl, databaseAdminUrl: urls.ownerUrl, poolSize });
  }
  const config = loadConfig({ LOG_LEVEL: 'warn' }, overrides);
  const app = await createNovaPos(config);
  try {
    app.http.get('/bench/ceiling', async () => ({ ok: true }));
    const { url } = await app.start();
    if (!url || !url.startsWith('http://127.0.0.1:')) throw new Error(`server is not on loopback: ${url}`);
    return { app, url };
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}

async function call(url: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = `bench-${randomUUID()}`;
  }
  const res = await fetch(url + path, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

async function signup(url: string): Promise<string> {
  const r = await call(url, 'POST', '/api/v1/signup', {
    body: { business_name: 'Bench Shop', email: `bench-${randomUUID()}@example.com`, password: 'bench password 123456', currency: 'USD', timezone: 'UTC' },
  });
  if (r.status !== 201 || typeof r.body?.access_token !== 'string') throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.access_token;
}

/** One request per case before loading it, so a misconfigured case fails with its body shown. */
async function preflight(url: string, token: string, def: CaseDef): Promise<void> {
  const r = await call(url, def.method, def.path, {
    ...(def.auth ? { token } : {}),
    ...(def.body === 'create-store' ? { body: { name: `Bench preflight ${randomUUID()}`, timezone: 'UTC' } } : {}),
  });
  if (r.status !== def.expect) throw new Error(`preflight ${def.label}: expected ${def.expect}, got ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
}

async function benchKind(kind: Kind, rows: Row[]): Promise<void> {
  let pg: PgServer | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'novapos-bench-'));
  let app: NovaPos | null = null;
  try {
    let urls: { appUrl: string; ownerUrl: string } | null = null;
    if (kind === 'postgres') {
      pg = await startPostgres();
      urls = await createPgDatabase(pg.adminUrl, 'bench_http');
    }
    const started = await startServer(kind, dataDir, urls);
    app = started.app;
    const token = await signup(started.url);
    console.log(`[${kind}] server ${started.url} (pid ${process.pid})${kind === 'postgres' ? `, pool ${poolSize}, app role novapos_app_login` : ', in-memory'}`);
    for (const def of CASES) {
      await preflight(started.url, token, def);
      const s = await runLoad({
        url: started.url,
        method: def.method,
        path: def.path,
        headers: def.auth ? { authorization: `Bearer ${token}` } : {},
        body: def.body,
        connections: def.connections,
        duration,
        warmup,
      });
      rows.push({ kind, def, s });
      console.log(`[${kind}] ${def.label}: ${Math.round(s.rps)} req/s (${s.responses} responses, ${fmtStatuses(s.statusCounts)})`);
    }
  } finally {
    if (app) await app.close().catch((err: unknown) => console.error(`[${kind}] close failed:`, err));
    if (pg) await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function fmtStatuses(counts: Record<string, number>): string {
  return Object.entries(counts).map(([code, n]) => `${code}×${n}`).join(' ') || 'no responses';
}

const fmtMs = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(2) : 'n/a');

function failureRatio(s: LoadSummary): number {
  const attempts = s.responses + s.errors;
  return attempts === 0 ? 1 : (s.non2xx + s.errors) / attempts;
}

function printTable(rows: Row[]): void {
  const header = ['kind', 'case', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'non2xx/err', 'vs ceiling'];
  const body = rows.map(({ kind, def, s }) => {
    const ceiling = rows.find((r) => r.kind === kind && r.def.name === 'ceiling')?.s.rps;
    const ratio = def.name === 'ceiling' ? '1.000' : ceiling ? (s.rps / ceiling).toFixed(3) : 'n/a';
    return [kind, def.label, String(def.connections), Math.round(s.rps).toLocaleString('en-US'), fmtMs(s.p50), fmtMs(s.p99), `${s.non2xx}/${s.errors}`, ratio];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  console.log(`NovaPOS HTTP bench  ${date}`);
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'})`);
  console.log(`duration ${duration} s + warm-up ${warmup} s per case; connections GET ${getConnections}, POST ${postConnections}; loopback 127.0.0.1`);
  console.log(`server in this process, autocannon in a forked child; both (and PostgreSQL) share ${cpus().length} cores, so the load generator competes with the server for CPU.`);

  const rows: Row[] = [];
  const skipped: string[] = [];
  for (const kind of kinds as Kind[]) {
    if (kind === 'postgres' && !pgAvailable()) {
      skipped.push('postgres: SKIPPED, no PostgreSQL server binaries here (apt-get install postgresql, or set NOVAPOS_PG_BIN)');
      console.log(skipped.at(-1));
      continue;
    }
    await benchKind(kind, rows);
  }

  console.log('');
  printTable(rows);
  for (const s of skipped) console.log(s);
  console.log('req/s counts every response; p50/p99 are over 2xx responses; "vs ceiling" = req/s / same-kind ceiling req/s.');

  const bad = rows.filter((r) => failureRatio(r.s) > MAX_FAILURE_RATIO || r.s.ok2xx === 0);
  if (bad.length) {
    console.error('');
    for (const r of bad) {
      console.error(`FAIL ${r.kind} ${r.def.label}: ${(failureRatio(r.s) * 100).toFixed(2)}% non-2xx or errors (limit ${MAX_FAILURE_RATIO * 100}%): ${fmtStatuses(r.s.statusCounts)}, ${r.s.errors} errors, ${r.s.timeouts} timeouts`);
    }
    console.error('The numbers above are not a valid benchmark.');
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
