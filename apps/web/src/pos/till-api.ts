// The calls the till makes besides pairing and PIN switching. The catalog feed and the settings
// go with the pairing token (it outlives cashiers' PIN sessions and works while nobody is
// signed in); sales go with the cashier's token when it is still there (see sync/send-sale.ts).
import { request, query, type AuthSource, type Register, type Store } from '../api/client';
import type { CatalogSettings, FeedPage } from './catalog/catalog-feed';

export type SalesSettings = { cashier_max_discount_percent: number; cash_rounding_increment: number; currency: string };

export function createTillApi(auth: AuthSource) {
  const get = <T>(path: string) => request<T>({ method: 'GET', path, auth });
  const id = encodeURIComponent;
  return {
    catalogChanges: (cursor: string | undefined, limit = 5000) => get<FeedPage>(`/catalog/changes${query({ cursor, limit })}`),
    catalogSettings: () => get<CatalogSettings & { version: number }>('/catalog/settings'),
    salesSettings: () => get<SalesSettings>('/sales/settings'),
    getStore: (storeId: string) => get<Store & { number: number }>(`/stores/${id(storeId)}`),
    /** Recent orders of the register with numbers of this prefix (the counter's floor). */
    registerOrders: (registerId: string, prefix: string) =>
      get<{ data: { number: string }[] }>(`/orders${query({ register_id: registerId, q: prefix, limit: 200 })}`),
    /** The highest order number the server has for the register (seeds the till's counter). */
    registerLastNumber: (registerId: string) => get<unknown>(`/registers/${id(registerId)}/last-number`),
    /** PBKDF2 verifiers of the store's PINs, for switching cashier while offline (pos/pin). */
    cashierVerifiers: (storeId: string) => get<unknown>(`/stores/${id(storeId)}/cashiers/verifiers`),
    listRegisters: (storeId: string) => get<{ data: (Register & { number: number })[] }>(`/stores/${id(storeId)}/registers${query({ limit: 200 })}`),
  };
}

export type TillApi = ReturnType<typeof createTillApi>;
