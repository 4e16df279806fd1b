import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createApi, type Cashier } from '../api/client';
import { useOnline } from '../ui/use-online';
import { cacheCashiers, cachedCashiers } from './cashiers-store';
import { pairingAuth } from './pairing-store';

export type CashierList = {
  /** The live list, else the one saved on this device, else null (still loading or never loaded). */
  list: Cashier[] | null;
  /** True when `list` came from the server on this visit. */
  live: boolean;
  loading: boolean;
  error: unknown;
  reload: () => void;
  markLocked: (userId: string) => void;
};

/** The store's name tiles, fetched with the pairing token and cached for when the API is away. */
export function useCashiers(storeId: string): CashierList {
  const api = useMemo(() => createApi(pairingAuth), []);
  const online = useOnline();
  const [list, setList] = useState<Cashier[] | null>(() => cachedCashiers(storeId));
  const [live, setLive] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const run = useRef(0);

  const reload = useCallback(() => {
    const n = ++run.current;
    setLoading(true);
    api.listCashiers(storeId).then(
      (res) => {
        if (n !== run.current) return;
        cacheCashiers(storeId, res.data);
        setList(res.data);
        setLive(true);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (n !== run.current) return;
        setError(err);
        setLoading(false);
      },
    );
  }, [api, storeId]);

  useEffect(() => {
    reload();
    return () => void run.current++;
  }, [reload]);

  // Back online: fetch again rather than wait for someone to press retry.
  const wasOnline = useRef(online);
  useEffect(() => {
    if (online && !wasOnline.current) reload();
    wasOnline.current = online;
  }, [online, reload]);

  const markLocked = useCallback(
    (userId: string) => {
      if (!list) return;
      const next = list.map((c) => (c.id === userId ? { ...c, pin_locked: true } : c));
      cacheCashiers(storeId, next);
      setList(next);
    },
    [list, storeId],
  );

  return { list, live, loading, error, reload, markLocked };
}
