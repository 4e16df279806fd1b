import { Link } from 'react-router-dom';
import { listAll } from '../api/client';
import { LoadError, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { useAdmin } from './admin-context';
import { Flash, PageHeader } from './admin-layout';
import { formatAddress } from './labels';

export function StoresPage() {
  const { api, can } = useAdmin();
  const stores = useAsync(() => listAll((cursor) => api.listStores(cursor)), [api]);

  return (
    <>
      <PageHeader title="Stores">
        {can('stores.manage') && (
          <Link className="button" to="/admin/stores/new">
            New store
          </Link>
        )}
      </PageHeader>
      <Flash />
      {stores.status === 'loading' && <Loading label="Loading stores…" />}
      {stores.status === 'error' && <LoadError error={stores.error} onRetry={stores.reload} />}
      {stores.status === 'ready' &&
        (stores.data.length === 0 ? (
          <div className="empty">
            <p>No stores yet.</p>
            {can('stores.manage') && <Link to="/admin/stores/new">Create your first store</Link>}
          </div>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Stores</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Time zone</th>
                <th scope="col">Address</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {stores.data.map((s) => (
                <tr key={s.id}>
                  <th scope="row" data-label="Name">
                    <Link to={`/admin/stores/${s.id}`}>{s.name}</Link>
                  </th>
                  <td data-label="Time zone">{s.timezone.replaceAll('_', ' ')}</td>
                  <td data-label="Address">{formatAddress(s.address) || <span className="muted">No address</span>}</td>
                  <td className="table__actions">
                    <Link className="button button--secondary button--small" to={`/admin/stores/${s.id}`} aria-label={`Manage ${s.name}`}>
                      {can('stores.manage') || can('registers.manage') ? 'Manage' : 'View'}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </>
  );
}
