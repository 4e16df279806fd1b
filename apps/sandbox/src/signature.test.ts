import { describe, expect, it } from 'vitest';
import { computeSignature, signatureHeader, verifySignature } from './signature.ts';

const secret = 'whsec_test';
const raw = '{"id":"evt_1","type":"crypto_charge.paid","data":{"charge":{"amount":1000}}}';
const now = new Date('2027-03-01T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('accepts a body signed with the secret within the tolerance', () => {
    expect(verifySignature(secret, signatureHeader(secret, raw, t), raw, 300, now)).toEqual({ ok: true, timestamp: t });
    expect(verifySignature(secret, signatureHeader(secret, raw, t - 299), raw, 300, now).ok).toBe(true);
    expect(verifySignature(secret, signatureHeader(secret, Buffer.from(raw), t), Buffer.from(raw), 300, now).ok).toBe(true);
  });

  it('uses the Stripe scheme: HMAC-SHA256 of "<t>.<raw body>" in hex', () => {
    expect(signatureHeader(secret, raw, t)).toBe(`t=${t},v1=${computeSignature(secret, t, raw)}`);
    expect(computeSignature(secret, t, raw)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a tampered body', () => {
    const header = signatureHeader(secret, raw, t);
    expect(verifySignature(secret, header, raw.replace('1000', '1'), 300, now)).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a body that was parsed and re-serialized', () => {
    const header = signatureHeader(secret, raw, t);
    const reserialized = JSON.stringify(JSON.parse(raw), null, 2);
    expect(verifySignature(secret, header, reserialized, 300, now).ok).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySignature(secret, signatureHeader('whsec_other', raw, t), raw, 300, now)).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a timestamp older than the tolerance, or too far ahead', () => {
    expect(verifySignature(secret, signatureHeader(secret, raw, t - 301), raw, 300, now)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifySignature(secret, signatureHeader(secret, raw, t + 301), raw, 300, now).ok).toBe(false);
  });

  it('refuses a timestamp swapped into a valid signature', () => {
    const header = signatureHeader(secret, raw, t - 1000).replace(`t=${t - 1000}`, `t=${t}`);
    expect(verifySignature(secret, header, raw, 300, now)).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a missing or malformed header', () => {
    expect(verifySignature(secret, undefined, raw, 300, now)).toEqual({ ok: false, reason: 'missing_header' });
    for (const header of ['', 'garbage', `t=${t}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${t},v1=xyz`]) {
      expect(verifySignature(secret, header, raw, 300, now)).toEqual({ ok: false, reason: 'malformed_header' });
    }
  });

  it('accepts any one of several v1 signatures, as during a secret rotation', () => {
    const header = `t=${t},v1=${computeSignature('whsec_old', t, raw)},v1=${computeSignature(secret, t, raw)}`;
    expect(verifySignature(secret, header, raw, 300, now).ok).toBe(true);
  });
});
