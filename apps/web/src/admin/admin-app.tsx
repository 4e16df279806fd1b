import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ApiError, createApi, type Me } from '../api/client';
import { rememberMe, sessionAuth, useSession } from '../auth/session';
import { LoadError, Loading } from '../ui/status';
import { AdminContext, type AdminContextValue } from './admin-context';
import { AdminLayout } from './admin-layout';
import { StoreNewPage } from './store-new.page';
import { StorePage } from './store.page';
import { StoresPage } from './stores.page';
import { UserNewPage } from './user-new.page';
import { UsersPage } from './users.page';
import './admin.css';

// Catalog and inventory screens are chunks of their own, fetched when first opened.
const CatalogRoutes = lazy(() => import('./catalog/catalog-routes'));
const InventoryRoutes = lazy(() => import('./inventory/inventory-routes'));

export default function AdminApp() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <AdminSession cachedMe={session.me} />;
}

function AdminSession({ cachedMe }: { cachedMe: Me | undefined }) {
  const api = useMemo(() => createApi(sessionAuth), []);
  const [state, setState] = useState<{ me?: Me; offline: boolean; error?: unknown }>({ offline: false });

  const loadMe = useCallback(() => {
    setState((s) => ({ ...s, error: undefined }));
    api.me().then(
      (me) => {
        rememberMe(me);
        setState({ me, offline: false });
      },
      (error: unknown) => {
        // Offline with a cached /me: keep working from the cache rather than blocking the screen.
        if (error instanceof ApiError && error.isNetwork && cachedMe) setState({ me: cachedMe, offline: true });
        else setState((s) => ({ ...s, error }));
      },
    );
    // cachedMe is only the offline fallback; a change to it must not refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  useEffect(loadMe, [loadMe]);

  const value = useMemo<AdminContextValue | null>(() => {
    const me = state.me;
    if (!me) return null;
    const perms = new Set(me.permissions);
    return { api, me, offline: state.offline, can: (p) => perms.has(p), reloadMe: loadMe };
  }, [api, state.me, state.offline, loadMe]);

  if (!value) {
    return (
      <main className="centered-page">
        {state.error ? <LoadError error={state.error} onRetry={loadMe} /> : <Loading label="Loading your business…" />}
      </main>
    );
  }

  return (
    <AdminContext.Provider value={value}>
      <AdminLayout>
        <Routes>
          <Route index element={<Navigate to="stores" replace />} />
          <Route path="stores" element={<StoresPage />} />
          <Route path="stores/new" element={<StoreNewPage />} />
          <Route path="stores/:storeId" element={<StorePage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="users/new" element={<UserNewPage />} />
          <Route
            path="catalog/*"
            element={
              <Suspense fallback={<Loading />}>
                <CatalogRoutes />
              </Suspense>
            }
          />
          <Route
            path="inventory/*"
            element={
              <Suspense fallback={<Loading />}>
                <InventoryRoutes />
              </Suspense>
            }
          />
          <Route path="*" element={<Navigate to="stores" replace />} />
        </Routes>
      </AdminLayout>
    </AdminContext.Provider>
  );
}
