/**
 * A worker process for bus.crash.test.ts: it starts delivering, writes its effect inside the
 * handler's transaction, says so on stdout, and hangs there until the test SIGKILLs it.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { openDatabase } from '../db/database.ts';
import { createEventBus } from './bus.ts';

const database = await openDatabase({ url: process.env.CRASH_DB_URL, pgliteDir: process.env.CRASH_PGLITE_DIR });
const bus = createEventBus({ database, log: pino({ level: 'silent' }) });
bus.subscribe({
  name: 'crash',
  types: '*',
  async handle(trx, e) {
    await sql`insert into bus_test.effects (tenant_id, consumer, event_id, n) values (${e.tenant_id}, 'crash', ${e.id}, 1)`.execute(trx);
    process.stdout.write(`handling ${e.id}\n`);
    await new Promise(() => {}); // never commits
  },
});
await bus.drain(600_000);
