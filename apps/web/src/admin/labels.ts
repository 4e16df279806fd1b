import type { Address, Store } from '../api/client';
import { countryName } from '../ui/locale-options';

export { roleLabel } from '../ui/role-label';

export function formatAddress(a: Address | null | undefined): string {
  if (!a) return '';
  const cityLine = [a.city, a.region, a.postal_code].filter(Boolean).join(', ');
  return [a.line1, a.line2, cityLine, a.country ? countryName(a.country) : ''].filter(Boolean).join(' · ');
}

export function storeNames(ids: readonly string[], stores: readonly Store[]): string[] {
  const byId = new Map(stores.map((s) => [s.id, s.name]));
  return ids.map((id) => byId.get(id) ?? 'Unknown store');
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
