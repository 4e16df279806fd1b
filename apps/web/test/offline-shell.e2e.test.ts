import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { hasChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';
const manager = DEMO.users[2];
const casey = DEMO.users[3];

describe.skipIf(!hasChromium())('till sign-in and the offline app shell in Chromium', () => {
  let env: BrowserApp;
  let url: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    env = await startBrowserApp();
    ({ url, page } = env);
    context = page.context();
  });
  afterAll(async () => env?.close());

  it('pairs a register as a manager and switches a cashier in with a PIN', async () => {
    await page.goto(`${url}/pos`);
    await page.getByLabel('Email').fill(manager.email);
    await page.getByLabel('Password').fill(manager.password);
    await page.getByRole('button', { name: 'Sign in to pair' }).click();
    await page.getByLabel('Store').selectOption({ label: DEMO.stores[0].name });
    await page.getByLabel('Register').selectOption({ label: DEMO.stores[0].registers[1] });
    await page.getByRole('button', { name: 'Pair this device' }).click();
    await page.getByRole('button', { name: `Switch in as ${casey.name}` }).click();
    await page.getByLabel('PIN', { exact: true }).fill(casey.pin);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `${casey.name} is signed in on ${DEMO.stores[0].registers[1]}` }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'pos-signed-in.png') });
  });

  it('opens /pos and /admin from the service worker cache with the network off', async () => {
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    // the precache is complete once the worker controls the page
    await page.reload();
    await expect.poll(() => page.evaluate('navigator.serviceWorker.controller !== null'), { timeout: 20_000 }).toBe(true);

    await context.setOffline(true);
    try {
      await page.goto(`${url}/pos`);
      await page.getByRole('heading', { name: 'Who is selling?' }).waitFor();
      await page.getByText('This till is offline.').first().waitFor();
      expect(await page.getByRole('button', { name: `Switch in as ${casey.name}` }).count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'pos-offline.png') });

      // pairing does not sign the back office in: /admin opens, offline, at its sign-in page
      await page.goto(`${url}/admin`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(page.url()).toMatch(/\/login/);
      await page.screenshot({ path: join(ARTIFACTS, 'admin-offline.png') });
    } finally {
      await context.setOffline(false);
    }
  });
});
