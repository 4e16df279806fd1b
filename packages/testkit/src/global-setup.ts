/**
 * Vitest globalSetup: starts ONE throwaway PostgreSQL cluster for the whole run (when the
 * binaries exist, or fails when NOVAPOS_REQUIRE_INFRA=1 and they do not) and provides its
 * connection info as `inject('pg')`. Test files use testPostgres() / freshPgDatabase().
 */
import type { TestProject } from 'vitest/node';
import { requireInfra } from './infra.ts';
import { pgAvailable, startPostgres, type PgServer } from './postgres.ts';
import type { ProvidedPg } from './provided-context.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: PgServer | null = null;
  if (requireInfra('postgres', pgAvailable())) {
    server = await startPostgres();
  }
  const info: ProvidedPg = server
    ? {
        adminUrl: server.adminUrl,
        ownerUrl: server.ownerUrl,
        appUrl: server.appUrl,
        port: server.port,
        dataDir: server.dataDir,
      }
    : null;
  project.provide('pg', info);
  return async () => {
    await server?.stop();
  };
}
