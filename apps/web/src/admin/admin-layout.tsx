import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router-dom';
import { signOut } from '../auth/session';
import { Brand } from '../ui/brand';
import { useAdmin } from './admin-context';
import { roleLabel } from './labels';

export function AdminLayout({ children }: { children: ReactNode }) {
  const { me, can, offline, reloadMe } = useAdmin();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const [signingOut, setSigningOut] = useState(false);

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
