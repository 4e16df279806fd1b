// Reads of the till's IndexedDB from a Playwright page, with the raw API (no app code), for the
// browser tests and bench/pos (`@novapos/web/testing`).
import type { Page } from 'playwright-core';

/** The variants in the till's catalog cache: one product per record, one variant_ids entry each. */
export const countCachedVariants = (page: Page) =>
  page.evaluate<number>(`new Promise((resolve) => {
    const open = indexedDB.open('novapos-catalog');
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('items')) { db.close(); return resolve(0); }
      const req = db.transaction('items').objectStore('items').index('variant_ids').count();
      req.onsuccess = () => { db.close(); resolve(req.result); };
    };
    open.onerror = () => resolve(-1);
  })`);
