// Printing through the browser at 80 mm: the server's receipt page when the server has the order
// (it counts the print and marks copies), the till's own layout (pos.css @media print) otherwise.
import type { TillState } from '../actions/types';
import { tillDb } from '../db/till-db';
import type { TenderApi } from '../tender/tender-api';

/** The order id whose receipt the server can render, if it has the order. */
export async function serverOrderId(state: TillState): Promise<string | null> {
  if (state.receipt) return state.receipt.order_id;
  if (!state.lastSale) return null;
  const row = await tillDb().sales.get(state.lastSale.seq);
  return row?.status === 'synced' ? row.id : null;
}

function printHtml(html: string): Promise<void> {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('aria-hidden', 'true');
    frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0;visibility:hidden';
    frame.addEventListener('load', () => {
      const w = frame.contentWindow;
      const done = () => {
        frame.remove();
        resolve();
      };
      if (!w) return done();
      w.addEventListener('afterprint', done, { once: true });
      w.focus();
      w.print();
      // print() returns at once in some browsers; the frame goes after the dialog in any case
      setTimeout(done, 60_000);
    }, { once: true });
    frame.srcdoc = html;
    document.body.append(frame);
  });
}

export async function printReceipt(state: TillState, api: TenderApi): Promise<void> {
  const id = navigator.onLine ? await serverOrderId(state) : null;
  if (id) {
    try {
      await printHtml(await api.receiptHtml(id, true));
      return;
    } catch {
      // the server's page could not be had: the local layout prints instead
    }
  }
  window.print();
}
