import type { ReactNode } from 'react';
import { Brand } from '../ui/brand';
import { useOnline } from '../ui/use-online';
import type { Pairing } from './pairing-store';

export function PosLayout({ pairing, onUnpair, children }: { pairing?: Pairing; onUnpair?: (() => void) | undefined; children: ReactNode }) {
  const online = useOnline();
  return (
    <div className="pos">
      <header className="pos__bar">
        <Brand compact />
        {pairing && (
          <p className="pos__register">
            <span className="pos__register-name">{pairing.register_name}</span>
            <span className="pos__store-name">{pairing.store_name}</span>
          </p>
        )}
        <span className={online ? 'pos__net' : 'pos__net pos__net--off'} role="status">
          {online ? 'Online' : 'Offline'}
        </span>
        {onUnpair && (
          <button type="button" className="button button--ghost button--small" onClick={onUnpair}>
            Unpair device
          </button>
        )}
      </header>
      <main className="pos__main" id="main">
        {children}
      </main>
    </div>
  );
}
