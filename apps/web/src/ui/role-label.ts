import type { Role } from '../api/client';

const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', manager: 'Manager', cashier: 'Cashier' };
export const roleLabel = (role: string) => ROLE_LABELS[role as Role] ?? role;
