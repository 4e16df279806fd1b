import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { killQuietly, onProcessExit } from './cleanup.ts';
import { freePort, waitForPort } from './free-port.ts';
import { cleanEnv, findOnPath, killFromPidFile, makeOwnedTempDir, sweepStaleDirs, tail } from './proc.ts';

export interface NatsServer {
  /** e.g. nats://127.0.0.1:4567 */
  url: string;
  port: number;
  /** JetStream store dir. */
  storeDir: string;
  /** Stops the server and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

const DIR_PREFIX = 'novapos-nats-';

/** Path of nats-server ($NOVAPOS_NATS_SERVER, PATH, /usr/sbin, /usr/bin), or null. */
export function natsServerPath(): string | null {
  const env = process.env.NOVAPOS_NATS_SERVER;
  if (env && fs.existsSync(env)) return env;
  return findOnPath('nats-server', ['/usr/sbin', '/usr/bin', '/usr/local/bin']);
}

export function natsAvailable(): boolean {
  return natsServerPath() !== null;
}

function exitPromise(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Starts `nats-server -js` on 127.0.0.1 and a free port (about 0.1 s). */
export async function startNats(): Promise<NatsServer> {
  const bin = natsServerPath();
  if (bin === null) throw new Error('startNats: nats-server not found (apt-get install nats-server)');

  sweepStaleDirs(DIR_PREFIX, (dir) => killFromPidFile(path.join(dir, 'nats.pid'), 'SIGKILL'));
  const base = makeOwnedTempDir(DIR_PREFIX);
  const storeDir = path.join(base, 'js');
  const logFile = path.join(base, 'nats.log');

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logFd = fs.openSync(logFile, 'a');
    const child = spawn(
      bin,
      ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, '-P', path.join(base, 'nats.pid')],
      { stdio: ['ignore', logFd, logFd], env: cleanEnv(), cwd: base },
    );
    fs.closeSync(logFd);
    // A test that forgets stop() must not keep the worker alive; the exit hook kills it.
    child.unref();
    let spawnError: Error | undefined;
    child.once('error', (e) => {
      spawnError = e;
    });
    const unregister = onProcessExit(() => {
      killQuietly(child.pid, 'SIGKILL');
      try {
        fs.rmSync(base, { recursive: true, force: true });
      } catch {
        // best effort
      }
    });
    try {
      await waitForPort(port, {
        timeoutMs: 15_000,
        isDead: () =>
          spawnError
            ? `nats-server failed to start: ${spawnError.message}`
            : child.exitCode !== null || child.signalCode !== null
              ? `nats-server exited (${child.exitCode ?? child.signalCode})\n${tail(logFile)}`
              : null,
      });
    } catch (err) {
      killQuietly(child.pid, 'SIGKILL');
      await exitPromise(child);
      unregister();
      if (attempt < 5 && /address already in use/i.test(tail(logFile))) continue;
      fs.rmSync(base, { recursive: true, force: true });
      throw err;
    }

    let stopped = false;
    return {
      url: `nats://127.0.0.1:${port}`,
      port,
      storeDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        const exited = exitPromise(child);
        killQuietly(child.pid, 'SIGTERM');
        const timer = setTimeout(() => killQuietly(child.pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
        await fs.promises.rm(base, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
        unregister();
      },
    };
  }
}
