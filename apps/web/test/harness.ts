import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@novapos/testkit';
import { DEFAULT_WEB_DIST, REPO_ROOT, seedDemo } from '@novapos/server';
import { startTestApp, type TestApp } from '@novapos/server/testing';

export const ARTIFACTS = join(REPO_ROOT, '.test-artifacts');

export interface BrowserApp {
  t: TestApp;
  url: string;
  browser: Browser;
  page: Page;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** The real server with the demo business on PGlite, the built web app, and Debian's Chromium. */
export async function startBrowserApp(): Promise<BrowserApp> {
  if (!existsSync(join(DEFAULT_WEB_DIST, 'index.html'))) throw new Error('apps/web is not built: run npm run build (npm test does)');
  mkdirSync(ARTIFACTS, { recursive: true });
  const t = await startTestApp('pglite');
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
    async close() {
      await browser.close();
      await t.close();
    },
  };
}
