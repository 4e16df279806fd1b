import { listAll } from '../../api/client';
import { useAsync } from '../../ui/use-async';
import { useAdmin } from '../admin-context';

/** Who did it: user ids from the ledger as names, when this user may list staff. */
export function useUserNames(): (id: string | null | undefined) => string {
  const { api, can, me } = useAdmin();
  const users = useAsync(() => (can('users.read') ? listAll((cursor) => api.listUsers({ limit: 200, cursor: cursor ?? null })) : Promise.resolve([])), [api]);
  const byId = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  byId.set(me.user.id, me.user.name);
  return (id) => (id ? (byId.get(id) ?? 'a staff member') : '');
}
