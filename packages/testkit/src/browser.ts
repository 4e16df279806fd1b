import fs from 'node:fs';
import type { Browser, LaunchOptions } from 'playwright-core';

/** $NOVAPOS_CHROMIUM or /usr/bin/chromium (Debian's `chromium` package). */
export function chromiumPath(): string {
  return process.env.NOVAPOS_CHROMIUM || '/usr/bin/chromium';
}

export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(chromiumPath(), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Flags measured to work on these machines (see /work/shared/stack-notes.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium through playwright-core. Close it with `browser.close()`. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  // Loaded lazily so importing @novapos/testkit does not load playwright.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    ...options,
    executablePath: options.executablePath ?? chromiumPath(),
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
