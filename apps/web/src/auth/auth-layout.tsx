import { useEffect, type ReactNode } from 'react';
import { Brand } from '../ui/brand';
import './auth.css';

export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · NovaPOS`;
  }, [title]);
  return (
    <main className="auth">
      <div className="auth__card card">
        <Brand />
        <h1 className="auth__title">{title}</h1>
        {children}
        {footer && <div className="auth__footer">{footer}</div>}
      </div>
    </main>
  );
}
