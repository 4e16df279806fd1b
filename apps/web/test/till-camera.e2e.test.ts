// Camera scanning on the till, in Chromium with a fake camera that plays a barcode video: the
// decoder (the browser's BarcodeDetector or ZXing in WebAssembly served by NovaPOS) reads it and
// the line is added through the same scan action as a wedge scanner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium } from '@novapos/testkit';
import { DEMO } from '@novapos/server';
import { writeBarcodeVideo } from './camera-video.ts';
import { ARTIFACTS, startBrowserApp, type BrowserApp } from './harness.ts';
import { apiClient, axeSerious, lineNames, login, pairTill, switchIn, unitsInCart, type Product } from './till-offline-helpers.ts';

const manager = DEMO.users[2];
const casey = DEMO.users[3];
const register = DEMO.stores[0].registers[0];

describe.skipIf(!hasChromium())('camera scanning on the till', () => {
  let env: BrowserApp;
  let camera: Browser;
  let page: Page;
  let dir: string;
  let name: string;

  beforeAll(async () => {
    env = await startBrowserApp();
    const token = await login(env.url, manager.email, manager.password);
    const api = apiClient(env.url, () => token);
    const products = (await api<{ data: Product[] }>('GET', '/products?limit=50')).data;
    const product = products.find((p) => p.variants.some((v) => v.price && v.barcodes.some((b) => /^\d{12,13}$/.test(b.code))))!;
    const variant = product.variants.find((v) => v.price && v.barcodes.some((b) => /^\d{12,13}$/.test(b.code)))!;
    const code = variant.barcodes.find((b) => /^\d{12,13}$/.test(b.code))!.code;
    name = variant.title ? `${product.name} / ${variant.title}` : product.name;
    dir = mkdtempSync(join(tmpdir(), 'novapos-camera-'));
    const video = join(dir, 'barcode.y4m');
    // UPC-A is EAN-13 with a leading 0: the till matches either form
    writeBarcodeVideo(video, code.length === 12 ? `0${code}` : code, { fps: 10, showFrames: 15, blankFrames: 20 });
    camera = await launchChromium({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`] });
    page = await (await camera.newContext({ viewport: { width: 1024, height: 768 }, permissions: ['camera'] })).newPage();
    await pairTill(page, env.url, manager, DEMO.stores[0].name, register);
    await switchIn(page, casey, register);
  });
  afterAll(async () => {
    await camera?.close();
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('adds the item the camera sees once while it stays in view, again when shown again, and stops with the camera', async () => {
    await page.keyboard.press('Shift+F2');
    await page.getByRole('region', { name: 'Camera scanner' }).waitFor();
    await expect.poll(() => lineNames(page), { timeout: 30_000 }).toEqual([name]);
    expect(await unitsInCart(page)).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'till-camera.png') });
    expect(await axeSerious(page)).toEqual([]);

    // the video hides the barcode for 2 s and shows it again: a second unit
    await expect.poll(() => unitsInCart(page), { timeout: 15_000 }).toBe(2);

    await page.getByRole('button', { name: 'Stop camera' }).click();
    await page.getByRole('region', { name: 'Camera scanner' }).waitFor({ state: 'detached' });
    const units = await unitsInCart(page);
    await page.waitForTimeout(4_000);
    expect(await unitsInCart(page)).toBe(units);
    expect(await page.evaluate('document.querySelectorAll("video").length')).toBe(0);
  });

  it('says what to do when the camera is refused', async () => {
    const refused = await (await camera.newContext({ viewport: { width: 1024, height: 768 }, permissions: [] })).newPage();
    // what the browser answers when the person (or a policy) blocks the camera
    await refused.addInitScript({ content: `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));` });
    await pairTill(refused, env.url, manager, DEMO.stores[0].name, register);
    await switchIn(refused, casey, register);
    await refused.getByRole('button', { name: /^Camera/ }).click();
    await refused.getByRole('alert').filter({ hasText: 'Camera access was refused' }).waitFor();
    await refused.getByRole('button', { name: 'Stop camera' }).click();
    await refused.getByRole('region', { name: 'Camera scanner' }).waitFor({ state: 'detached' });
  });
});
