/**
 * Synchronous last-resort cleanup of child processes when the Node process ends (a test that
 * forgot stop(), a crash, process.exit(), SIGTERM/SIGINT/SIGHUP, or the parent of a forked
 * worker going away). Leftovers of harder deaths (SIGKILL) are swept by the next start.
 */
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;
const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

function runCleanups(): void {
  for (const c of cleanups) {
    try {
      c();
    } catch {
      // best effort only
    }
  }
  cleanups.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runCleanups();
  for (const s of SIGNALS) process.off(s, onSignal);
  // If nobody else handles this signal, restore the default behaviour (terminate).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

export function onProcessExit(fn: Cleanup): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runCleanups);
    for (const s of SIGNALS) process.on(s, onSignal);
    // In a forked worker (vitest pool 'forks'), the IPC channel closes when the parent dies:
    // the worker may linger, but its servers must not.
    if (process.connected) process.once('disconnect', runCleanups);
  }
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}

/** process.kill that ignores "no such process". */
export function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined || pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
