import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import type { TestApp } from '@novapos/server/testing';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';

describe.skipIf(!hasChromium())('admin portal in Chromium', () => {
  let env: BrowserApp;
  let t: TestApp;
  let url: string;
  let page: Page;

  beforeAll(async () => {
    env = await startBrowserApp();
    ({ t, url, page } = env);
  });
  afterAll(async () => env?.close());

  it('signs the owner in through the login page and shows the stores', async () => {
    await page.goto(`${url}/admin`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(DEMO.users[0].email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/incorrect/i);
    await page.getByLabel('Password').fill(DEMO.users[0].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/stores/);
    await expect.poll(() => page.getByText(DEMO.stores[1].name).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-stores.png'), fullPage: true });
  });

  it('creates a store and a cashier that the API then knows', async () => {
    await page.getByRole('link', { name: 'New store' }).click();
    await page.getByLabel('Store name').fill('Airport kiosk');
    await page.getByLabel('Time zone').selectOption('America/Chicago');
    await page.getByRole('button', { name: 'Create store' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Airport kiosk' }).count()).toBe(1);
    await page.getByLabel('New register name').fill('Kiosk till');
    await page.getByRole('button', { name: 'Add register' }).click();
    await expect.poll(() => page.getByText('Kiosk till').count()).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: /new user/i }).click();
    await page.getByLabel('Name').fill('Riley Kiosk');
    await page.getByLabel('Email').fill('riley@nova-outfitters.test');
    await page.getByLabel('Role').selectOption('cashier');
    await page.getByRole('checkbox', { name: 'Airport kiosk' }).check();
    await page.getByLabel('PIN (optional)').fill('1234');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => page.getByText('Riley Kiosk').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-users.png'), fullPage: true });

    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: DEMO.users[0].email, password: DEMO.users[0].password } });
    const users = await t.request('GET', '/api/v1/users?limit=200', { token: login.body.access_token });
    const riley = users.body.data.find((u: { email: string }) => u.email === 'riley@nova-outfitters.test');
    expect(riley).toMatchObject({ role: 'cashier', pin_set: true, status: 'active' });
  });

  it('shows field errors from the server next to the field', async () => {
    await page.goto(`${url}/admin/users/new`);
    await page.getByLabel('Name').fill('Dup');
    await page.getByLabel('Email').fill(DEMO.users[3].email);
    await page.getByLabel('Role').selectOption('cashier');
    await page.getByLabel('PIN (optional)').fill('4444');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => page.getByText(/already registered/i).count()).toBeGreaterThan(0);
  });
});
