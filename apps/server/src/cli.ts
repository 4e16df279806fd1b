import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig, serviceCtx, tenantTx, type Config } from '@novapos/platform';
import { SignupBody, loginByEmail } from '@novapos/identity';
import { ImportRejected, type ImportResult } from '@novapos/flow-catalog-import';
import { REPO_ROOT, createNovaPos, type NovaPos } from './app.ts';
import { DEMO, demoExists, demoLoginsText, isEmpty, seedDemo } from './seed.ts';

const program = new Command('novapos').description('NovaPOS retail point of sale');

function config(role?: string): Config {
  return loadConfig(process.env, role ? { role: role as Config['role'] } : {});
}

/**
 * In development the payment sandbox runs beside the server (SANDBOX_PORT, default 3001) unless a
 * processor is configured: the server talks to it over HTTP as it would to a real processor.
 */
async function withSandbox(cfg: Config): Promise<{ config: Config; close(): Promise<void> }> {
  if (cfg.processorUrl || cfg.sandboxPort === null || cfg.role === 'worker') return { config: cfg, close: async () => undefined };
  const { startSandbox, newTerminalKeyPem } = await import('@novapos/sandbox');
  const publicUrl = cfg.publicUrl ?? `http://localhost:${cfg.port}`;
  // tills keep the terminal key to encrypt cards offline: it must outlive a restart of `npm start`
  const keyFile = join(cfg.dataDir, 'sandbox-terminal-key.pem');
  if (!existsSync(keyFile)) {
    mkdirSync(cfg.dataDir, { recursive: true });
    writeFileSync(keyFile, newTerminalKeyPem(), { mode: 0o600 });
  }
  const sandbox = await startSandbox({
    port: cfg.sandboxPort,
    host: cfg.host,
    publicUrl: `http://localhost:${cfg.sandboxPort}`,
    secretKey: cfg.processorSecretKey,
    publishableKey: cfg.processorPublishableKey,
    webhookSecret: cfg.processorWebhookSecret,
    webhookUrl: `${publicUrl}/api/v1/webhooks/sandbox`,
    terminalKeyPem: readFileSync(keyFile, 'utf8'),
  });
  console.log(`Payment sandbox (test cards, crypto checkout) at http://localhost:${sandbox.port}`);
  // the till's browser tokenizes at the sandbox directly
  const processorPublicUrl = cfg.processorPublicUrl ?? `http://localhost:${sandbox.port}`;
  return { config: { ...cfg, processorUrl: sandbox.url, processorPublicUrl, publicUrl }, close: () => sandbox.close() };
}

function runUntilSignal(app: NovaPos): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function seedWithProgress(app: NovaPos): Promise<void> {
  if (!process.stdout.isTTY) console.log('Seeding the demo business "Nova Outfitters"…');
  const bar = new cliProgress.SingleBar({ format: 'Seeding demo business [{bar}] {percentage}% {step}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  await seedDemo(app, (done, total, step) => {
    if (!started) {
      bar.start(total, 0, { step });
      started = true;
    }
    bar.update(done, { step });
  });
  bar.stop();
}

/** Newest modification time under a directory (the web sources), to rebuild only when needed. */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'test') continue;
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

function buildWebIfNeeded(): void {
  const web = join(REPO_ROOT, 'apps/web');
  const index = join(web, 'dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(web)) return;
  console.log('Building the web app…');
  const r = spawnSync('npm', ['run', 'build', '--workspace', '@novapos/web'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('web build failed');
}

program
  .command('serve')
  .description('run the API, web app and workers')
  .addOption(new Option('--role <role>', 'what this replica runs').choices(['api', 'worker', 'all']).default('all'))
  .action(async (o: { role: string }) => {
    const sandbox = await withSandbox(config(o.role));
    const app = await createNovaPos(sandbox.config);
    app.onClose(() => sandbox.close());
    runUntilSignal(app);
    const { url } = await app.start();
    if (url) app.log.info(`NovaPOS listening at ${url}`);
  });

program
  .command('start')
  .description('build if needed, migrate, seed the demo business when empty, and serve (npm start)')
  .action(async () => {
    buildWebIfNeeded();
    const sandbox = await withSandbox(config());
    const app = await createNovaPos(sandbox.config);
    app.onClose(() => sandbox.close());
    runUntilSignal(app);
    if (await isEmpty(app)) await seedWithProgress(app);
    const { url } = await app.start();
    if (url && (await demoExists(app))) console.log(`\n${demoLoginsText(url)}\n`);
    else if (url) console.log(`\nNovaPOS is running at ${url}\n`);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const app = await createNovaPos(config(), { migrate: false });
    const { migrate } = await import('@novapos/platform');
    const r = await migrate(app.database, app.migrations, (m) => console.log(m));
    console.log(r.applied.length ? `${r.applied.length} migration(s) applied` : 'database is up to date');
    await app.close();
  });

program
  .command('seed')
  .description('seed data')
  .option('--demo', 'the demo business "Nova Outfitters"')
  .action(async (o: { demo?: boolean }) => {
    if (!o.demo) {
      console.error('nothing to seed: pass --demo');
      process.exitCode = 2;
      return;
    }
    const app = await createNovaPos(config());
    try {
      if (await demoExists(app)) console.log('The demo business is already there.');
      else await seedWithProgress(app);
      console.log(demoLoginsText(`http://localhost:${app.config.port}`));
    } finally {
      await app.close();
    }
  });

const tenant = program.command('tenant').description('manage tenants');
tenant
  .command('create')
  .description('create a business with its owner, first store and register')
  .requiredOption('--name <business name>')
  .requiredOption('--email <owner e-mail>')
  .requiredOption('--password <owner password>')
  .option('--currency <ISO 4217>', 'currency', 'USD')
  .option('--timezone <IANA zone>', 'time zone', Intl.DateTimeFormat().resolvedOptions().timeZone)
  .action(async (o: { name: string; email: string; password: string; currency: string; timezone: string }) => {
    const parsed = SignupBody.safeParse({ business_name: o.name, email: o.email, password: o.password, currency: o.currency, timezone: o.timezone });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
      process.exitCode = 2;
      return;
    }
    const app = await createNovaPos(config());
    try {
      const r = await app.database.db.transaction().execute((trx) => app.modules.identity.signup(trx, parsed.data));
      console.log(`Created tenant ${r.tenant.id} "${r.tenant.name}" with owner ${r.user.email}, store "${r.store.name}" and register "${r.register.name}".`);
    } catch (err) {
      console.error((err as Error).message);
      process.exitCode = 1;
    } finally {
      await app.close();
    }
  });

/**
 * `novapos import products FILE`: the same check and import as POST /api/v1/imports/products, as
 * the business's user with that e-mail, with a progress bar. Exit 0 when imported (or valid, with
 * --dry-run), 1 with the report when the file has problems (nothing imported), 2 for bad usage.
 */
async function importProducts(app: NovaPos, file: string, o: { tenantEmail?: string; dryRun?: boolean }): Promise<number> {
  const email = o.tenantEmail ?? DEMO.users[0].email;
  const login = await loginByEmail(app.database.db, email);
  if (!login) {
    console.error(`No user has the e-mail ${email}: pass --tenant-email with a login of the business to import into.`);
    return 2;
  }
  const flow = app.flows.catalogImport;
  const bar = new cliProgress.SingleBar({ format: '{phase} [{bar}] {percentage}% | {value}/{total} {unit}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(statSync(file).size, 0, { phase: 'Reading  ', unit: 'bytes' });
  let result: ImportResult;
  try {
    const csv = await flow.read(createReadStream(file), { maxBytes: Number.MAX_SAFE_INTEGER, onBytes: (n) => bar.update(n) });
    bar.setTotal(Math.max(1, csv.rows.length));
    bar.update(0, { phase: o.dryRun ? 'Checking ' : 'Importing', unit: 'rows' });
    result = await tenantTx(app.database.db, login.tenant_id, async (trx) => {
      const actor = await app.modules.identity.service.loadActor(trx, login.user_id, null);
      if (!actor) throw new Error(`The user ${email} is not active`);
      const ctx = serviceCtx({ trx, tenantId: login.tenant_id, actor, clock: app.kernel.clock, log: app.log, requestId: 'cli:import' });
      return flow.run(ctx, csv, {
        dryRun: o.dryRun ?? false,
        onProgress: (phase, done, total) => {
          bar.setTotal(Math.max(1, total));
          bar.update(done, { phase: phase === 'stock' ? 'Stock    ' : 'Importing', unit: phase === 'stock' ? 'levels' : 'rows' });
        },
      });
    });
  } catch (err) {
    bar.stop();
    if (!(err instanceof ImportRejected)) throw err;
    console.error(`Import rejected: ${err.message}`);
    for (const e of err.report.errors) console.error(`  line ${e.line}${e.column ? `, column ${e.column}` : ''}: ${e.reason}`);
    return 1;
  }
  bar.stop();
  const what = `${result.products_created} products created, ${result.products_updated} updated; ${result.variants_created} variants created, ${result.variants_updated} updated; ${result.stock_rows} stock levels set`;
  console.log(result.status === 'validated' ? `Checked ${result.rows} rows: all valid, nothing changed. Importing would give ${what}.` : `Imported ${result.rows} rows: ${what}.`);
  return 0;
}

const importCommand = program.command('import').description('import data from files');
importCommand
  .command('products <file>')
  .description('import products, variants, prices and stock from a catalog CSV (README "Catalog CSV"): all rows or none')
  .option('--tenant-email <email>', `a login of the business to import into (default: the demo owner, ${DEMO.users[0].email})`)
  .option('--dry-run', 'check every row and report, change nothing')
  .action(async (file: string, o: { tenantEmail?: string; dryRun?: boolean }) => {
    if (!existsSync(file) || !statSync(file).isFile()) {
      console.error(`No such file: ${file}`);
      process.exitCode = 2;
      return;
    }
    const app = await createNovaPos(config());
    try {
      process.exitCode = await importProducts(app, file, o);
    } finally {
      await app.close();
    }
  });

await program.parseAsync(process.argv);
