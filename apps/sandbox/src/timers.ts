// Every timer the sandbox starts goes through here: unref'd, so it never keeps a process alive,
// and cancelled together by close().

export class SandboxClosedError extends Error {
  constructor() {
    super('sandbox closed');
    this.name = 'SandboxClosedError';
  }
}

export interface Timers {
  /** Resolves after `ms`; rejects with SandboxClosedError if the sandbox closes first. */
  sleep(ms: number): Promise<void>;
  /** Runs `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  every(ms: number, fn: () => void): () => void;
  readonly stopped: boolean;
  stop(): void;
}

export function createTimers(): Timers {
  const cancels = new Set<() => void>();
  let stopped = false;

  const after = (ms: number, fn: () => void) => {
    if (stopped) return () => {};
    const timer = setTimeout(() => {
      cancels.delete(cancel);
      fn();
    }, Math.max(0, ms));
    timer.unref();
    const cancel = () => {
      clearTimeout(timer);
      cancels.delete(cancel);
    };
    cancels.add(cancel);
    return cancel;
  };

  return {
    after,
    sleep(ms) {
      if (stopped) return Promise.reject(new SandboxClosedError());
      return new Promise<void>((resolve, reject) => {
        let cancelTimer = () => {};
        const onStop = () => {
          cancelTimer();
          reject(new SandboxClosedError());
        };
        cancelTimer = after(ms, () => {
          cancels.delete(onStop);
          resolve();
        });
        cancels.add(onStop);
      });
    },
    every(ms, fn) {
      if (stopped) return () => {};
      const timer = setInterval(fn, ms);
      timer.unref();
      const cancel = () => {
        clearInterval(timer);
        cancels.delete(cancel);
      };
      cancels.add(cancel);
      return cancel;
    },
    get stopped() {
      return stopped;
    },
    stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      cancels.clear();
    },
  };
}
