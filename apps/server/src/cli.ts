import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig, type Config } from '@novapos/platform';
import { SignupBody } from '@novapos/identity';
import { REPO_ROOT, createNovaPos, type NovaPos } from './app.ts';
import { demoExists, demoLoginsText, isEmpty, seedDemo } from './seed.ts';

const program = new Command('novapos').description('NovaPOS retail point of sale');

function config(role?: string): Config {
  return loadConfig(process.env, role ? { role: role as Config['role'] } : {});
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
    const app = await createNovaPos(config(o.role));
    runUntilSignal(app);
    const { url } = await app.start();
    if (url) app.log.info(`NovaPOS listening at ${url}`);
  });

program
  .command('start')
  .description('build if needed, migrate, seed the demo business when empty, and serve (npm start)')
  .action(async () => {
    buildWebIfNeeded();
    const app = await createNovaPos(config());
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

await program.parseAsync(process.argv);
