import { useState } from 'react';
import { Link } from 'react-router-dom';
import { listAll, type Store, type User } from '../api/client';
import { ProblemAlert } from '../ui/problem-alert';
import { LoadError, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { newIdempotencyKey } from '../ui/use-idempotency-key';
import { useAdmin } from './admin-context';
import { Flash, PageHeader } from './admin-layout';
import { roleLabel, storeNames } from './labels';
import { DeactivateDialog, EditUserDialog, ResetPinDialog } from './user-dialogs';
import { mayManage } from './user-fields';

const PAGE_SIZE = 50;

type Open = { kind: 'edit' | 'pin' | 'deactivate'; user: User } | null;

export function UsersPage() {
  const { api, can, me } = useAdmin();
  const users = useAsync(() => api.listUsers({ limit: PAGE_SIZE }), [api]);
  const stores = useAsync(() => listAll((cursor) => api.listStores(cursor)), [api]);
  const [open, setOpen] = useState<Open>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [unlocking, setUnlocking] = useState<string | null>(null);

  const storeList = stores.data ?? [];
  const replace = (u: User) => users.setData((p) => ({ ...p, data: p.data.map((x) => (x.id === u.id ? u : x)) }));

  async function loadMore() {
    if (!users.data?.next_cursor) return;
    setMoreBusy(true);
    setActionError(null);
    try {
      const next = await api.listUsers({ limit: PAGE_SIZE, cursor: users.data.next_cursor });
      users.setData((p) => ({ data: [...p.data, ...next.data], next_cursor: next.next_cursor }));
    } catch (err) {
      setActionError(err);
    } finally {
      setMoreBusy(false);
    }
  }

  async function unlock(user: User) {
    setUnlocking(user.id);
    setActionError(null);
    setMessage(null);
    try {
      await api.unlockUserPin(user.id, newIdempotencyKey());
      replace({ ...user, pin_locked: false });
      setMessage(`${user.name}'s PIN is unlocked.`);
    } catch (err) {
      setActionError(err);
    } finally {
      setUnlocking(null);
    }
  }

  function done(text: string, updated?: User) {
    if (updated) replace(updated);
    setOpen(null);
    setMessage(text);
  }

  return (
    <>
      <PageHeader title="Users">
        {can('users.manage') && (
          <Link className="button" to="/admin/users/new">
            New user
          </Link>
        )}
      </PageHeader>
      <Flash hidden={!!message} />
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      <ProblemAlert error={actionError} />
      {users.status === 'loading' && <Loading label="Loading users…" />}
      {users.status === 'error' && <LoadError error={users.error} onRetry={users.reload} />}
      {users.status === 'ready' && (
        <>
          <table className="table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Stores</th>
                <th scope="col">Status</th>
                <th scope="col">PIN</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((u) => {
                const active = u.status === 'active';
                const self = u.id === me.user.id;
                const manageable = self || mayManage(me.user.role, u.role);
                return (
                  <tr key={u.id} className={active ? undefined : 'table__row--muted'}>
                    <th scope="row" data-label="Name">
                      <span className="user-cell__name">{u.name}</span>
                      <span className="user-cell__email">{u.email}</span>
                    </th>
                    <td data-label="Role">{roleLabel(u.role)}</td>
                    <td data-label="Stores">{storesText(u, storeList)}</td>
                    <td data-label="Status" className="nowrap">
                      <span className={active ? 'badge badge--ok' : 'badge badge--off'}>{active ? 'Active' : 'Deactivated'}</span>
                    </td>
                    <td data-label="PIN" className="nowrap">
                      {u.pin_locked ? (
                        <span className="badge badge--warn">Locked</span>
                      ) : u.pin_set ? (
                        <span className="badge">Set</span>
                      ) : (
                        <span className="muted">Not set</span>
                      )}
                    </td>
                    <td className="table__actions">
                      {active && (
                        <div className="action-group">
                          {can('users.manage') && manageable && (
                            <button type="button" className="button button--secondary button--small" aria-label={`Edit ${u.name}`} onClick={() => setOpen({ kind: 'edit', user: u })}>
                              Edit
                            </button>
                          )}
                          {can('users.pin_manage') && manageable && (
                            <button type="button" className="button button--secondary button--small" aria-label={`Reset PIN for ${u.name}`} onClick={() => setOpen({ kind: 'pin', user: u })}>
                              Reset PIN
                            </button>
                          )}
                          {can('users.pin_manage') && manageable && u.pin_locked && (
                            <button
                              type="button"
                              className="button button--secondary button--small"
                              aria-label={`Unlock PIN for ${u.name}`}
                              onClick={() => unlock(u)}
                              disabled={unlocking === u.id}
                            >
                              {unlocking === u.id ? 'Unlocking…' : 'Unlock PIN'}
                            </button>
                          )}
                          {can('users.manage') && !self && mayManage(me.user.role, u.role) && (
                            <button type="button" className="button button--danger-outline button--small" aria-label={`Deactivate ${u.name}`} onClick={() => setOpen({ kind: 'deactivate', user: u })}>
                              Deactivate
                            </button>
                          )}
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {users.data.next_cursor && (
            <div className="load-more">
              <button type="button" className="button button--secondary" onClick={loadMore} disabled={moreBusy}>
                {moreBusy ? 'Loading…' : 'Load more users'}
              </button>
            </div>
          )}
        </>
      )}
      {open?.kind === 'edit' && (
        <EditUserDialog user={open.user} stores={storeList} onClose={() => setOpen(null)} onSaved={(u) => done(`${u.name} saved.`, u)} />
      )}
      {open?.kind === 'pin' && (
        <ResetPinDialog
          user={open.user}
          onClose={() => setOpen(null)}
          onDone={() => done(`New PIN set for ${open.user.name}.`, { ...open.user, pin_set: true, pin_locked: false })}
        />
      )}
      {open?.kind === 'deactivate' && (
        <DeactivateDialog user={open.user} onClose={() => setOpen(null)} onDone={(u) => done(`${u.name} is deactivated.`, u)} />
      )}
    </>
  );
}

function storesText(u: User, stores: readonly Store[]): string {
  if (u.store_ids.length === 0) return u.role === 'owner' || u.role === 'admin' ? 'All stores' : 'No stores';
  return storeNames(u.store_ids, stores).join(', ');
}
