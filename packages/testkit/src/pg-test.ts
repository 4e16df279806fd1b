import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createPgDatabase, type PgDatabaseUrls, type PgServerInfo } from './postgres.ts';
import type {} from './provided-context.ts';

/**
 * The run-wide PostgreSQL started by the vitest globalSetup (global-setup.ts), or null when
 * there is none (binaries missing, or not running under that setup).
 */
export function testPostgres(): PgServerInfo | null {
  try {
    return inject('pg') ?? null;
  } catch {
    return null;
  }
}

let counter = 0;

/**
 * Creates a new, empty database owned by novapos_owner on the run-wide test cluster and
 * returns its owner/app URLs. Names are unique across parallel workers and files.
 * `prefix`: lowercase letters, digits, underscores (max 30 chars).
 */
export async function freshPgDatabase(prefix = 't'): Promise<PgDatabaseUrls> {
  if (!/^[a-z][a-z0-9_]{0,29}$/.test(prefix)) {
    throw new Error(`freshPgDatabase: invalid prefix ${JSON.stringify(prefix)}`);
  }
  const info = testPostgres();
  if (info === null) {
    throw new Error(
      'freshPgDatabase: no test PostgreSQL. Is postgresql installed, and does vitest.config.ts list ' +
        'packages/testkit/src/global-setup.ts in test.globalSetup? Guard with describe.skipIf(!hasPostgres()).',
    );
  }
  counter += 1;
  const name = `${prefix}_${process.pid}_${counter}_${randomBytes(4).toString('hex')}`;
  return createPgDatabase(info.adminUrl, name);
}
