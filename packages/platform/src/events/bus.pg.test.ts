import { freshPgDatabase, hasPostgres, testPostgres } from '@novapos/testkit';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, scopeToTenant, type Database } from '../db/database.ts';
import { createEventBus, type EventBus } from './bus.ts';
import { busSuite, counter, effects, emitEvents, prepare, reset, T1, waitFor } from './bus.suite.ts';
import { emit } from './outbox.ts';

const pgReady = hasPostgres() && testPostgres() !== null;
let urls: { ownerUrl: string; appUrl: string } | null = null;
const openPg = async (): Promise<Database> => {
  urls ??= await freshPgDatabase('bus');
  return openDatabase({ url: urls.appUrl, adminUrl: urls.ownerUrl });
};

describe.skipIf(!pgReady)('on PostgreSQL', () => {
  busSuite('PostgreSQL', {
    open: openPg,
    // Its own pool, as a second worker process would have.
    openPeer: () => openDatabase({ url: urls!.appUrl }),
    // Woken by NOTIFY as in production; the PGlite run covers the poll-only path.
    busOptions: () => ({ listenUrl: urls!.appUrl }),
  });

  describe('PostgreSQL specifics', () => {
    let database: Database;
    const buses: EventBus[] = [];
    const quiet = pino({ level: 'silent' });
    beforeAll(async () => {
      database = await openPg();
      await prepare(database);
    });
    beforeEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.stop()));
      await reset(database);
    });
    afterAll(async () => {
      await Promise.all(buses.map((b) => b.stop()));
      await database?.close();
    });

    it('delivers an event whose transaction commits after a later one was delivered', async () => {
      const bus = createEventBus({ database, log: quiet });
      buses.push(bus);
      const c = counter('late');
      bus.subscribe(c);
      const slow = await database.db.startTransaction().execute();
      await scopeToTenant(slow, T1);
      const early = await emit(slow, { tenantId: T1, type: 'x.happened', payload: {} });
      const [later] = await emitEvents(database, T1, 1);
      await bus.drain();
      expect((await effects(database)).map((r) => r.event_id)).toEqual([later]);
      await slow.commit().execute();
      await bus.drain();
      expect((await effects(database)).map((r) => r.event_id).toSorted()).toEqual([early, later].toSorted());
      expect(early < later!).toBe(true);
    });

    it('wakes on NOTIFY instead of waiting for the poll', async () => {
      const bus = createEventBus({ database, log: quiet, pollMs: 60_000, listenUrl: urls!.appUrl });
      buses.push(bus);
      const c = counter('woken');
      bus.subscribe(c);
      await bus.start();
      await new Promise((r) => setTimeout(r, 200));
      await emitEvents(database, T1, 1);
      const ms = await waitFor(async () => (await effects(database)).length === 1, 5000);
      expect(ms).toBeLessThan(1000);
    });
  });
});
