import { freshPgDatabase, hasNats, hasPostgres, startNats, testPostgres, type NatsServer } from '@novapos/testkit';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { busSuite } from './bus.suite.ts';

const natsReady = hasNats();
const pgReady = hasPostgres() && testPostgres() !== null;

describe.skipIf(!natsReady)('NATS JetStream mode', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });
  const natsOptions = () => ({ natsUrl: nats.url });

  busSuite('PGlite with NATS', { open: () => openDatabase({}), openPeer: async (d) => d, busOptions: natsOptions, nats: true });

  describe.skipIf(!pgReady)('on PostgreSQL', () => {
    let urls: { appUrl: string; ownerUrl: string } | null = null;
    busSuite('PostgreSQL with NATS', {
      open: async () => {
        urls = await freshPgDatabase('busnats');
        return openDatabase({ url: urls.appUrl, adminUrl: urls.ownerUrl });
      },
      openPeer: () => openDatabase({ url: urls!.appUrl }),
      busOptions: () => ({ ...natsOptions(), listenUrl: urls!.appUrl }),
      nats: true,
    });
  });
});
