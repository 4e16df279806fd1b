import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';
const manager = DEMO.users[2];
const [casey, jordan] = [DEMO.users[3], DEMO.users[4]];

describe.skipIf(!hasChromium())('till cashier picker in Chromium', () => {
  let env: BrowserApp;
  let url: string;
  let page: Page;

  const pinField = () => page.getByLabel('PIN', { exact: true });
  const pinMessage = () => page.locator('#pin-error').textContent();

  async function enterPin(pin: string) {
    await pinField().fill(pin);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  beforeAll(async () => {
    env = await startBrowserApp();
    ({ url, page } = env);
  });
  afterAll(async () => env?.close());

  it('shows the people who can switch in at the paired store', async () => {
    await page.goto(`${url}/pos`);
    await page.getByLabel('Email').fill(manager.email);
    await page.getByLabel('Password').fill(manager.password);
    await page.getByRole('button', { name: 'Sign in to pair' }).click();
    await page.getByLabel('Store').selectOption({ label: DEMO.stores[0].name });
    await page.getByLabel('Register').selectOption({ label: DEMO.stores[0].registers[0] });
    await page.getByRole('button', { name: 'Pair this device' }).click();

    await page.getByRole('heading', { name: 'Who is selling?' }).waitFor();
    await page.getByRole('button', { name: `Switch in as ${casey.name}` }).waitFor();
    expect(await page.getByRole('button', { name: `Switch in as ${manager.name}` }).count()).toBe(1);
    expect(await page.getByRole('button', { name: `Switch in as ${jordan.name}` }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'pos-picker.png') });
  });

  it("counts wrong PINs against the person tapped and locks their tile after five", async () => {
    await page.getByRole('button', { name: `Switch in as ${casey.name}` }).click();
    await page.getByRole('button', { name: 'Back to cashiers' }).waitFor();
    await enterPin('0000');
    await expect.poll(pinMessage).toContain('Wrong PIN — 4 tries left');
    for (const left of ['3 tries', '2 tries', '1 try']) {
      await enterPin('0000');
      await expect.poll(pinMessage).toContain(`Wrong PIN — ${left} left`);
    }
    await enterPin('0000');
    await expect.poll(pinMessage).toContain(`${casey.name}'s PIN is locked after too many wrong tries. Ask a manager to unlock it in Users.`);
    await enterPin(casey.pin);
    await expect.poll(pinMessage).toContain(`${casey.name}'s PIN is locked`);

    await page.getByRole('button', { name: 'Back to cashiers' }).click();
    await expect.poll(() => page.getByRole('button', { name: `Switch in as ${casey.name}` }).textContent()).toContain('PIN locked');
  });

  it('locks the PIN-only pad after five wrong PINs until a manager signs in to unlock it', async () => {
    await page.getByRole('button', { name: 'Enter PIN only' }).click();
    for (let i = 0; i < 6; i++) await enterPin('0001').then(() => expect.poll(pinMessage).toMatch(/Wrong PIN|locked/));
    await expect.poll(pinMessage).toContain("This register's PIN pad is locked after too many wrong PINs. A manager must unlock it.");
    await page.screenshot({ path: join(ARTIFACTS, 'pos-pin-pad-locked.png') });

    await page.getByRole('button', { name: 'Manager: unlock' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill(manager.email);
    await dialog.getByLabel('Password').fill(manager.password);
    await dialog.getByRole('button', { name: 'Unlock PIN pad' }).click();
    await expect.poll(pinMessage).toContain('The PIN pad is unlocked');

    await enterPin(manager.pin);
    await page.getByRole('heading', { name: `${manager.name} is signed in on ${DEMO.stores[0].registers[0]}` }).waitFor();
  });

  it('keeps showing the saved names when the API is unreachable, and says PINs are checked on the till', async () => {
    await page.getByRole('button', { name: 'Switch cashier' }).click();
    await page.route('**/api/v1/stores/*/cashiers', (route) => route.abort());
    await page.reload();
    await page.getByRole('heading', { name: 'Who is selling?' }).waitFor();
    await page.getByText('Can’t reach the NovaPOS server.').waitFor();
    await page.getByText('PINs are checked on this till until the connection is back', { exact: false }).first().waitFor();
    expect(await page.getByRole('button', { name: `Switch in as ${manager.name}` }).count()).toBe(1);
    await page.unroute('**/api/v1/stores/*/cashiers');
  });

  it('lets a manager unlock a register PIN pad from the store page', async () => {
    const admin = await env.newPage();
    await admin.goto(`${url}/login`);
    await admin.getByLabel('Email').fill(manager.email);
    await admin.getByLabel('Password').fill(manager.password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.waitForURL(/\/admin\/stores/);
    await admin.getByRole('link', { name: DEMO.stores[0].name }).first().click();
    await admin.getByRole('button', { name: `Unlock PIN pad for ${DEMO.stores[0].registers[1]}` }).click();
    await expect.poll(() => admin.getByRole('status').filter({ hasText: 'is unlocked' }).count()).toBe(1);
  });
});
