import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config, type EventEnvelope } from '@novapos/platform';
import { freshPgDatabase, hasNats, hasPostgres, startNats, type NatsServer } from '@novapos/testkit';
import { createNovaPos, type NovaPos } from '../src/app.ts';

type Target = 'pglite-file' | 'postgres' | 'postgres+nats';
const targets: Target[] = ['pglite-file', ...(hasPostgres() ? (['postgres'] as const) : []), ...(hasPostgres() && hasNats() ? (['postgres+nats'] as const) : [])];

describe.each(targets)('events through the composed app on %s', (target) => {
  const dirs: string[] = [];
  let nats: NatsServer | null = null;
  afterAll(async () => {
    await nats?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function configFor(): Promise<() => Config> {
    const dataDir = mkdtempSync(join(tmpdir(), 'novapos-ev-'));
    dirs.push(dataDir);
    const masterKey = randomBytes(32);
    const o: Partial<Config> = { dataDir, masterKey, port: 0, host: '127.0.0.1', sandboxPort: null, logLevel: 'silent' };
    if (target === 'pglite-file') o.pgliteDir = join(dataDir, 'db');
    else {
      const urls = await freshPgDatabase('ev');
      o.databaseUrl = urls.appUrl;
      o.databaseAdminUrl = urls.ownerUrl;
    }
    if (target === 'postgres+nats') {
      nats ??= await startNats();
      o.natsUrl = nats.url;
    }
    return () => loadConfig({ LOG_LEVEL: 'silent' }, o);
  }

  function recordInto(app: NovaPos, seen: EventEnvelope[]): void {
    app.bus.subscribe({
      name: `test-recorder-${randomUUID().slice(0, 8)}`,
      types: ['tenant.created', 'user.created', 'user.role_changed'],
      async handle(trx, event) {
        // the effect runs in the event's tenant: RLS shows this tenant's users only
        const users = await sql<{ n: number }>`select count(*)::int as n from identity.users`.execute(trx);
        expect(users.rows[0]!.n).toBeGreaterThan(0);
        seen.push(event);
      },
    });
  }

  it('delivers identity events committed before the process stopped, once, after a restart', async () => {
    const config = await configFor();
    const first = await createNovaPos(config());
    const signup = await first.http.inject({
      method: 'POST',
      url: '/api/v1/signup',
      headers: { 'idempotency-key': randomUUID() },
      payload: { business_name: 'Restart Co', email: `r-${randomUUID()}@example.com`, password: 'restart password 1', currency: 'USD', timezone: 'UTC' },
    });
    expect(signup.statusCode).toBe(201);
    const tenantId = signup.json().tenant.id;
    // stop without ever starting the worker: the events are only in the outbox
    await first.close();

    const second = await createNovaPos(config());
    const seen: EventEnvelope[] = [];
    recordInto(second, seen);
    try {
      await second.start();
      await second.bus.drain(20_000);
      const mine = seen.filter((e) => e.tenant_id === tenantId);
      expect(mine.map((e) => e.type).toSorted()).toEqual(['tenant.created', 'user.created']);
      expect(mine.find((e) => e.type === 'tenant.created')!.payload).toMatchObject({ name: 'Restart Co', currency: 'USD' });
      // a role change made now is delivered too, and nothing is delivered twice
      const token = signup.json().access_token;
      const user = await second.http.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() }, payload: { email: `m-${randomUUID()}@example.com`, name: 'M', role: 'manager', password: 'manager password 1' } });
      expect(user.statusCode).toBe(201);
      await second.http.inject({ method: 'PATCH', url: `/api/v1/users/${user.json().id}`, headers: { authorization: `Bearer ${token}` }, payload: { role: 'admin' } });
      await second.bus.drain(20_000);
      const ids = seen.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(seen.filter((e) => e.tenant_id === tenantId).map((e) => e.type).toSorted()).toEqual(['tenant.created', 'user.created', 'user.created', 'user.role_changed']);
    } finally {
      await second.close();
    }
  });
});
