import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPgDatabase, hasPostgres, testPostgres } from '@novapos/testkit';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type DatabaseOptions } from '../db/database.ts';
import { createEventBus } from './bus.ts';
import { counter, effects, emitEvents, prepare, rows, T1, T2 } from './bus.suite.ts';
import { fanOut } from './delivery.ts';

const quiet = pino({ level: 'silent' });

/** Runs bus.crash-child.ts until its handler is mid-transaction, then SIGKILLs it. */
async function killWorkerMidHandler(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'bus.crash-child.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const id = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /handling (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`crash worker exited early: ${err}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return id;
}

/** The scenario on one backend; `reopen` opens the same database as a new process would. */
function crashSuite(label: string, reopen: () => Promise<Database>, childEnv: () => Record<string, string>) {
  describe(`restarts on ${label}`, () => {
    it('delivers events committed before the worker died, once, after restart', async () => {
      let database = await reopen();
      await prepare(database);
      // One event already fanned out to the consumer, one not yet relayed; then the process "dies".
      const [relayed] = await emitEvents(database, T1, 1);
      await fanOut(database.db, [counter('survivor')]);
      const [unrelayed] = await emitEvents(database, T2, 1);
      await database.close();

      database = await reopen();
      const c = counter('survivor');
      const bus = createEventBus({ database, log: quiet });
      bus.subscribe(c);
      await bus.drain();
      await bus.stop();
      expect((await effects(database, 'survivor')).map((r) => [r.event_id, r.n])).toEqual(
        [[relayed, 1], [unrelayed, 1]].toSorted((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      await database.close();

      // A second restart finds nothing left to do.
      database = await reopen();
      const again = counter('survivor');
      const bus2 = createEventBus({ database, log: quiet });
      bus2.subscribe(again);
      await bus2.drain();
      expect(again.calls.size).toBe(0);
      await database.close();
    });

    it('rolls back a delivery whose worker was killed mid-handler and delivers it once after restart', async () => {
      let database = await reopen();
      await prepare(database);
      const [id] = await emitEvents(database, T1, 1);
      await database.close();

      expect(await killWorkerMidHandler(childEnv())).toBe(id);

      database = await reopen();
      expect(await effects(database, 'crash')).toEqual([]);
      const c = counter('crash');
      const bus = createEventBus({ database, log: quiet });
      bus.subscribe(c);
      await bus.drain();
      await bus.stop();
      expect(c.calls.get(id!)).toBe(1);
      expect(await effects(database, 'crash')).toEqual([{ event_id: id, n: 1 }]);
      // The killed attempt left no trace, not even a failure: the successful one is the first recorded.
      expect(await rows(database, sql`select attempts from platform.event_deliveries where consumer = 'crash'`)).toEqual([{ attempts: 1 }]);
      await database.close();
    }, 60_000);
  });
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const pgliteDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'novapos-bus-'));
  dirs.push(dir);
  return dir;
};

let liteDir = '';
crashSuite(
  'a file-backed PGlite',
  () => openDatabase({ pgliteDir: (liteDir ||= pgliteDir()) }),
  () => ({ CRASH_PGLITE_DIR: liteDir }),
);

describe.skipIf(!(hasPostgres() && testPostgres() !== null))('PostgreSQL', () => {
  let opts: DatabaseOptions | null = null;
  crashSuite(
    'PostgreSQL',
    async () => {
      if (!opts) {
        const urls = await freshPgDatabase('crash');
        opts = { url: urls.appUrl, adminUrl: urls.ownerUrl };
      }
      return openDatabase(opts);
    },
    () => ({ CRASH_DB_URL: opts!.url! }),
  );
});
