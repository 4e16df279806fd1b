import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@novapos/testkit';
import { DEFAULT_WEB_DIST, REPO_ROOT, seedDemo } from '@novapos/server';
import { startSandbox, type Sandbox } from '@novapos/sandbox';
import { startTestApp, type TestApp } from '@novapos/server/testing';

export const ARTIFACTS = join(REPO_ROOT, '.test-artifacts');

export interface BrowserApp {
  t: TestApp;
  url: string;
  browser: Browser;
  page: Page;
  newPage(): Promise<Page>;
  close(): Promise<void>;
  /** the payment sandbox the server charges through, when asked for */
  sandbox: Sandbox | null;
}

/**
 * The real server with the demo business on PGlite, the built web app, and Debian's Chromium.
 * `sandbox`: a payment sandbox of its own, the server's processor (its webhooks reach the server).
 */
export async function startBrowserApp(opts: { sandbox?: boolean } = {}): Promise<BrowserApp> {
  if (!existsSync(join(DEFAULT_WEB_DIST, 'index.html'))) throw new Error('apps/web is not built: run npm run build (npm test does)');
  mkdirSync(ARTIFACTS, { recursive: true });
  const sandbox = opts.sandbox ? await startSandbox({ webhookRetryDelaysMs: [100, 200, 400], timeoutMs: 10_000 }) : null;
  const t = await startTestApp('pglite', sandbox ? { processorUrl: sandbox.url, processorTimeoutMs: 2_000 } : {});
  await seedDemo(t.app);
  const url = (await t.app.start()).url!;
  const browser = await launchChromium();
  const newPage = async () => (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  return {
    t,
    url,
    browser,
    page: await newPage(),
    newPage,
    sandbox,
    async close() {
      await browser.close();
      await t.close();
      await sandbox?.close();
    },
  };
}
