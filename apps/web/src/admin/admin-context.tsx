import { createContext, useContext } from 'react';
import type { Api, Me } from '../api/client';

export type AdminContextValue = {
  api: Api;
  me: Me;
  /** True when /me could not be fetched and the cached copy is shown. */
  offline: boolean;
  can: (permission: string) => boolean;
  reloadMe: () => void;
};

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const ctx = useContext(AdminContext);
  if (!ctx) throw new Error('useAdmin outside the admin area');
  return ctx;
}
