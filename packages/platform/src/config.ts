import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL the app connects with; unset: embedded PGlite under dataDir/db. */
  databaseUrl: string | undefined;
  /** Owner connection for migrations; defaults to databaseUrl. */
  databaseAdminUrl: string | undefined;
  /** `memory://` keeps PGlite in memory (tests). */
  pgliteDir: string | undefined;
  natsUrl: string | undefined;
  sandboxPort: number | null;
  logLevel: string;
  role: 'api' | 'worker' | 'all';
  masterKey: Buffer;
  masterKeyGenerated: boolean;
  webDist: string | undefined;
  /** Database pool size for PostgreSQL mode. */
  poolSize: number;
  /** Believe X-Forwarded-For (behind a load balancer); off by default so clients cannot pick their IP. */
  trustProxy: boolean;
  /** The card/crypto processor the payments module talks to; null: the sandbox started beside the server. */
  processorUrl: string | null;
  /** The processor as tills' browsers reach it (card tokenization, the terminal key); null: processorUrl. */
  processorPublicUrl: string | null;
  processorSecretKey: string;
  processorPublishableKey: string;
  /** Shared secret of the processor's signed webhooks. */
  processorWebhookSecret: string;
  /** How long a processor call may take before its outcome counts as unknown (then reconciled). */
  processorTimeoutMs: number;
  /** Where the processor and customers' browsers reach this server (webhook URLs); default http://localhost:PORT. */
  publicUrl: string | null;
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

/**
 * The master key wraps per-tenant data keys and derives the token signing key and PIN pepper.
 * Every replica must share it, so production sets NOVAPOS_MASTER_KEY; development generates one
 * into the data directory once.
 */
function loadMasterKey(env: NodeJS.ProcessEnv, dataDir: string): { key: Buffer; generated: boolean } {
  const raw = env.NOVAPOS_MASTER_KEY;
  if (raw) {
    const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== 32) throw new Error('NOVAPOS_MASTER_KEY must be 32 bytes, as 64 hex characters or base64');
    return { key, generated: false };
  }
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'), generated: true };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return { key, generated: true };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = resolve(overrides.dataDir ?? env.NOVAPOS_DATA_DIR ?? './data');
  const sandboxRaw = env.SANDBOX_PORT;
  const sandboxPort = sandboxRaw === 'off' || sandboxRaw === '0' ? null : intEnv(env, 'SANDBOX_PORT', 3001);
  const role = (env.NOVAPOS_ROLE ?? 'all') as Config['role'];
  const mk = overrides.masterKey ? { key: overrides.masterKey, generated: false } : loadMasterKey(env, dataDir);
  return {
    port: intEnv(env, 'PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    databaseAdminUrl: env.DATABASE_ADMIN_URL || undefined,
    pgliteDir: undefined,
    natsUrl: env.NATS_URL || undefined,
    sandboxPort,
    logLevel: env.LOG_LEVEL ?? 'info',
    role,
    webDist: undefined,
    poolSize: intEnv(env, 'DATABASE_POOL_SIZE', 20),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    processorUrl: env.PAYMENTS_PROCESSOR_URL || null,
    processorPublicUrl: env.PAYMENTS_PROCESSOR_PUBLIC_URL || null,
    processorSecretKey: env.PAYMENTS_PROCESSOR_SECRET_KEY || 'sk_test_novapos',
    processorPublishableKey: env.PAYMENTS_PROCESSOR_PUBLISHABLE_KEY || 'pk_test_novapos',
    processorWebhookSecret: env.PAYMENTS_WEBHOOK_SECRET || 'whsec_test_novapos',
    processorTimeoutMs: intEnv(env, 'PAYMENTS_PROCESSOR_TIMEOUT_MS', 10_000),
    publicUrl: env.NOVAPOS_PUBLIC_URL || null,
    ...overrides,
    masterKey: mk.key,
    masterKeyGenerated: mk.generated,
  };
}
