import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router-dom';
import { signOut } from '../auth/session';
import { Brand } from '../ui/brand';
import { useAdmin } from './admin-context';
import { roleLabel } from './labels';

// The catalog and inventory areas each have their own row of pages under the main navigation.
const SECTIONS = [
  {
    label: 'Catalog',
    base: '/admin/catalog',
    permission: 'catalog.read',
    links: [
      { to: '/admin/catalog/products', label: 'Products', permission: 'catalog.read' },
      { to: '/admin/catalog/categories', label: 'Categories', permission: 'catalog.read' },
      { to: '/admin/catalog/tax', label: 'Tax', permission: 'catalog.read' },
      { to: '/admin/catalog/labels', label: 'Labels', permission: 'catalog.read' },
      { to: '/admin/catalog/import-export', label: 'Import/Export', permission: 'catalog.read' },
    ],
  },
  {
    label: 'Inventory',
    base: '/admin/inventory',
    permission: 'inventory.read',
    links: [
      { to: '/admin/inventory/stock', label: 'Stock', permission: 'inventory.read' },
      { to: '/admin/inventory/transfers', label: 'Transfers', permission: 'inventory.read' },
      { to: '/admin/inventory/receiving', label: 'Receiving', permission: 'inventory.read' },
      { to: '/admin/inventory/counts', label: 'Counts', permission: 'inventory.read' },
    ],
  },
] as const;

export function AdminLayout({ children }: { children: ReactNode }) {
  const { me, can, offline, reloadMe } = useAdmin();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const [signingOut, setSigningOut] = useState(false);
  const section = SECTIONS.find((s) => pathname.startsWith(s.base) && can(s.permission));

  // After client-side navigation, move focus to the new page's heading so screen readers announce it.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [pathname]);

  async function onSignOut() {
    setSigningOut(true);
    await signOut();
    navigate('/login', { replace: true });
  }

  return (
    <div className="admin">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="admin__header">
        <Link to="/admin" className="admin__brand" aria-label="NovaPOS back office home">
          <Brand compact />
        </Link>
        <span className="admin__tenant">{me.tenant.name}</span>
        <nav className="admin__nav" aria-label="Back office">
          <NavLink to="/admin/stores">Stores</NavLink>
          {can('users.read') && <NavLink to="/admin/users">Users</NavLink>}
          {SECTIONS.filter((s) => can(s.permission)).map((s) => (
            <Link
              key={s.base}
              to={s.links[0].to}
              className={pathname.startsWith(s.base) ? 'active' : undefined}
              aria-current={pathname.startsWith(s.base) ? 'true' : undefined}
            >
              {s.label}
            </Link>
          ))}
          {(can('pos.pair') || can('pos.use')) && <Link to="/pos">Point of sale</Link>}
        </nav>
        <div className="admin__account">
          <span className="admin__user">
            <span className="admin__user-name">{me.user.name}</span>
            <span className="admin__user-role">{roleLabel(me.user.role)}</span>
          </span>
          <button type="button" className="button button--secondary button--small" onClick={onSignOut} disabled={signingOut}>
            Sign out
          </button>
        </div>
      </header>
      {offline && (
        <div className="banner" role="status">
          You are offline. Showing what this device last loaded; changes need a connection.{' '}
          <button type="button" className="link-button" onClick={reloadMe}>
            Retry
          </button>
        </div>
      )}
      {section && (
        <nav className="admin__subnav" aria-label={section.label}>
          {section.links
            .filter((l) => can(l.permission))
            .map((l) => (
              <NavLink key={l.to} to={l.to}>
                {l.label}
              </NavLink>
            ))}
        </nav>
      )}
      <main id="main" ref={mainRef} className="admin__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · NovaPOS`;
  }, [title]);
  return (
    <div className="page-header">
      <h1 tabIndex={-1}>{title}</h1>
      {children && <div className="page-header__actions">{children}</div>}
    </div>
  );
}

/**
 * A one-off message handed over by the previous page through navigation state. It is dropped
 * from history at once (a reload does not repeat it) and hides when the page has newer news.
 */
export function Flash({ hidden = false }: { hidden?: boolean }) {
  const location = useLocation();
  const navigate = useNavigate();
  const [message] = useState(() => (location.state as { flash?: string } | null)?.flash ?? null);
  useEffect(() => {
    if (message) navigate(location.pathname + location.search, { replace: true, state: null });
    // Runs once: the message was captured on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (!message || hidden) return null;
  return (
    <p className="alert alert--success" role="status">
      {message}
    </p>
  );
}
