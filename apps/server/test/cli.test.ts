import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@novapos/testkit';
import { REPO_ROOT } from '../src/app.ts';

const BIN = join(REPO_ROOT, 'apps/server/bin/novapos.js');
const dataDir = mkdtempSync(join(tmpdir(), 'novapos-cli-'));
const env = { ...process.env, NOVAPOS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SANDBOX_PORT: 'off', DATABASE_URL: '', NATS_URL: '' };
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 240_000 });

describe('novapos CLI', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, refuses a bad tenant with the field named, creates a good one, and seeds the demo once', () => {
    const migrate = run('migrate');
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/applied identity\/0001_identity\.sql/);
    expect(run('migrate').stdout).toMatch(/up to date/);

    const bad = run('tenant', 'create', '--name', 'Shop', '--email', 'not-an-email', '--password', 'short', '--currency', 'XXQ');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/email: must be a valid e-mail address/);
    expect(bad.stderr).toMatch(/password: must be at least 12 characters/);

    const good = run('tenant', 'create', '--name', 'Harbour Books', '--email', 'owner@harbour.test', '--password', 'a long enough password', '--timezone', 'Europe/Dublin');
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/Created tenant .* "Harbour Books" with owner owner@harbour\.test/);
    expect(run('tenant', 'create', '--name', 'Again', '--email', 'owner@harbour.test', '--password', 'a long enough password').status).toBe(1);

    const seed = run('seed', '--demo');
    expect(seed.status, seed.stderr).toBe(0);
    expect(seed.stdout).toMatch(/owner@nova-outfitters\.test/);
    expect(run('seed', '--demo').stdout).toMatch(/already there/);
  }, 480_000);

  it('serves with `start`, answers readiness, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'start'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    try {
      await expect.poll(() => out, { timeout: 240_000, interval: 200 }).toMatch(/admin portal: http:\/\/localhost:\d+\/admin/);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'casey@nova-outfitters.test', password: 'whatever it is' }) });
      expect(login.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 300_000);
});
