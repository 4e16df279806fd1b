// The hosted crypto checkout page: amount, a deposit address, a QR-ish block and a Pay button.
import { createHash } from 'node:crypto';
import type { CryptoCharge } from './contract.ts';

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function formatAmount(amount: number, currency: string): string {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** 21x21 blocks derived from the address: looks like a QR code, scans as nothing. */
function qrish(address: string): string {
  const bits = createHash('sha512').update(address).digest();
  const size = 21;
  const finder = (r: number, c: number) => {
    const inBox = (r0: number, c0: number) => r >= r0 && r < r0 + 7 && c >= c0 && c < c0 + 7;
    for (const [r0, c0] of [[0, 0], [0, size - 7], [size - 7, 0]] as const) {
      if (inBox(r0, c0)) {
        const rr = r - r0;
        const cc = c - c0;
        return rr === 0 || rr === 6 || cc === 0 || cc === 6 || (rr >= 2 && rr <= 4 && cc >= 2 && cc <= 4);
      }
    }
    return null;
  };
  const rows: string[] = [];
  for (let r = 0; r < size; r++) {
    let row = '';
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      const on = finder(r, c) ?? ((bits[(i >> 3) % bits.length]! >> (i & 7)) & 1) === 1;
      row += on ? '██' : '  ';
    }
    rows.push(row);
  }
  return rows.join('\n');
}

export function hostedPage(charge: CryptoCharge): string {
  const amount = escapeHtml(formatAmount(charge.amount, charge.currency));
  const id = escapeHtml(charge.id);
  const status = escapeHtml(charge.status);
  const expires = new Date(charge.expires_at * 1000).toISOString();
  const pending = charge.status === 'pending';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay ${amount} — NovaPOS sandbox</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
  .amount { font-size: 2rem; font-weight: 700; margin: .5rem 0; }
  .status { display: inline-block; padding: .15rem .5rem; border-radius: .25rem; background: #eee; }
  .status.paid { background: #d4f5dd; } .status.expired { background: #f8d7da; }
  pre.qr { font-size: 6px; line-height: 6px; letter-spacing: 0; }
  code { word-break: break-all; }
  button { font-size: 1.25rem; padding: .6rem 2rem; cursor: pointer; }
</style>
</head>
<body>
<h1>Crypto checkout <small>(sandbox)</small></h1>
<p class="amount" data-testid="amount">${amount}</p>
<p>Status: <span class="status ${status}" data-testid="status">${status}</span></p>
<p>Send exactly this amount to:<br><code data-testid="address">${escapeHtml(charge.address)}</code></p>
<pre class="qr" aria-hidden="true">${qrish(charge.address)}</pre>
<p>Expires at <time datetime="${expires}">${expires}</time></p>
${pending ? `<button id="pay" type="button" data-testid="pay">Pay</button>` : ''}
<p id="message" role="status"></p>
<script>
  const button = document.getElementById('pay');
  if (button) button.addEventListener('click', async () => {
    button.disabled = true;
    const res = await fetch('../v1/crypto/charges/${id}/pay', { method: 'POST' });
    if (res.ok) { location.reload(); return; }
    const body = await res.json().catch(() => ({}));
    document.getElementById('message').textContent = (body.error && body.error.message) || 'Payment failed';
  });
</script>
</body>
</html>
`;
}
