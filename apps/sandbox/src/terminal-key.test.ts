import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from './contract.ts';
import { newTerminalKeyPem, startSandbox, type Sandbox } from './index.ts';
import { sandboxClient, type SandboxClient } from './testing.ts';

describe('store and forward: charges with a card encrypted to the terminal key', () => {
  let sandbox: Sandbox;
  let api: SandboxClient;
  beforeAll(async () => {
    sandbox = await startSandbox();
    api = sandboxClient(sandbox.url, sandbox);
  });
  afterAll(() => sandbox?.close());

  const charge = (body: Record<string, unknown>, key = randomUUID()) => api.request('POST', '/v1/charges', { idempotencyKey: key, body: { amount: 1500, currency: 'usd', ...body } });

  it('serves the public key to browsers with the publishable key, as a JWK WebCrypto imports', async () => {
    const r = await api.request('GET', '/v1/terminal/key', { key: sandbox.publishableKey });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.body).toMatchObject({ object: 'terminal_key', alg: 'RSA-OAEP-256', jwk: { kty: 'RSA', alg: 'RSA-OAEP-256', key_ops: ['encrypt'] } });
    expect(r.body.jwk.d).toBeUndefined();
    expect(r.body.kid).toBe(sandbox.terminalKey.kid);
    expect((await api.request('GET', '/v1/terminal/key', { key: null })).status).toBe(401);
  });

  it('approves and declines as the test cards say, and replays under the same key', async () => {
    const key = randomUUID();
    const blob = await api.encryptCard(TEST_CARDS.approve);
    const ok = await charge({ encrypted_card: blob }, key);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'succeeded', card: { brand: 'visa', last4: '4242' } });
    expect(JSON.stringify(ok.body)).not.toContain(TEST_CARDS.approve);
    const again = await charge({ encrypted_card: blob }, key);
    expect(again.body.id).toBe(ok.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const declined = await charge({ encrypted_card: await api.encryptCard(TEST_CARDS.decline) });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({ code: 'card_declined', charge: { status: 'failed' } });
  });

  it('refuses a blob it cannot read, and a charge with both or neither of token and encrypted_card', async () => {
    const other = await startSandbox({ terminalKeyPem: newTerminalKeyPem() });
    try {
      const foreign = await sandboxClient(other.url, other).encryptCard();
      const r = await charge({ encrypted_card: foreign });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'encrypted_card_invalid', param: 'encrypted_card' });
    } finally {
      await other.close();
    }
    expect((await charge({ encrypted_card: 'not-a-card' })).body.error.code).toBe('encrypted_card_invalid');
    expect((await charge({})).body.error.code).toBe('parameter_invalid');
    const token = (await api.tokenize()).id;
    expect((await charge({ token, encrypted_card: await api.encryptCard() })).body.error.code).toBe('parameter_invalid');
  });

  it('keeps its key across restarts when given the same PEM', async () => {
    const pem = newTerminalKeyPem();
    const a = await startSandbox({ terminalKeyPem: pem });
    const b = await startSandbox({ terminalKeyPem: pem });
    try {
      expect(a.terminalKey.kid).toBe(b.terminalKey.kid);
      const blob = await sandboxClient(a.url, a).encryptCard();
      const r = await sandboxClient(b.url, b).request('POST', '/v1/charges', { idempotencyKey: randomUUID(), body: { amount: 100, currency: 'usd', encrypted_card: blob } });
      expect(r.body.status).toBe('succeeded');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
