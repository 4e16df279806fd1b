import type { ReactNode } from 'react';
import { Brand } from '../ui/brand';
import type { Pairing } from './pairing-store';
import type { CatalogSync } from './catalog/catalog-sync';
import { CatalogStatus, NetPill, QueueBanner } from './sync-status';

export function PosLayout({ pairing, onUnpair, catalog, children }: { pairing?: Pairing; onUnpair?: (() => void) | undefined; catalog?: CatalogSync | null; children: ReactNode }) {
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
        <NetPill />
        {onUnpair && (
          <button type="button" className="button button--ghost button--small" onClick={onUnpair}>
            Unpair device
          </button>
        )}
      </header>
      {pairing && <QueueBanner />}
      {pairing && <CatalogStatus catalog={catalog} />}
      <main className="pos__main" id="main">
        {children}
      </main>
    </div>
  );
}
