import { chromiumAvailable } from './browser.ts';
import { natsAvailable } from './nats.ts';
import { pgAvailable } from './postgres.ts';

export { freePort, waitForPort } from './free-port.ts';

export type InfraName = 'postgres' | 'nats' | 'chromium';

const INSTALL_HINT: Record<InfraName, string> = {
  postgres: 'apt-get install postgresql (needs /usr/lib/postgresql/<version>/bin)',
  nats: 'apt-get install nats-server',
  chromium: 'apt-get install chromium (needs /usr/bin/chromium)',
};

/** True when NOVAPOS_REQUIRE_INFRA=1 (CI): missing infrastructure is an error, not a skip. */
export function infraRequired(): boolean {
  return process.env.NOVAPOS_REQUIRE_INFRA === '1';
}

/**
 * Returns `available`, unless it is false and NOVAPOS_REQUIRE_INFRA=1: then throws, so CI fails
 * instead of silently skipping. Use: `describe.skipIf(!requireInfra('postgres', pgAvailable()))`.
 */
export function requireInfra(name: InfraName, available: boolean): boolean {
  if (!available && infraRequired()) {
    throw new Error(
      `NOVAPOS_REQUIRE_INFRA=1 but ${name} is not available on this machine (${INSTALL_HINT[name]})`,
    );
  }
  return available;
}

/** `describe.skipIf(!hasPostgres())`: PostgreSQL binaries present (throws in CI if not). */
export const hasPostgres = (): boolean => requireInfra('postgres', pgAvailable());
/** `describe.skipIf(!hasNats())` */
export const hasNats = (): boolean => requireInfra('nats', natsAvailable());
/** `describe.skipIf(!hasChromium())` */
export const hasChromium = (): boolean => requireInfra('chromium', chromiumAvailable());
