import { useEffect, useMemo, useState, type RefObject } from 'react';
import { categoryAndDescendants, countVariants, priceIn, searchVariants, variantsByIds, variantsInCategories } from '../catalog/catalog-query';
import { catalogDb, type CachedVariant } from '../db/catalog-db';
import { tillDb } from '../db/till-db';
import type { Pairing } from '../pairing-store';
import { favouritesKey } from '../register/register-settings';
import { useLiveQuery } from '../use-live-query';
import { CameraPanel } from '../scanner/camera-panel';
import { ActionButton } from './action-button';
import { fmt } from './money';
import { lineFor, type Till } from './use-till';

const FAVOURITES = 'favourites';

/** Search as you type, or a grid by category with this register's favourites first. */
export function CatalogPane({ till, pairing, query, setQuery, searchRef }: { till: Till; pairing: Pairing; query: string; setQuery: (q: string) => void; searchRef: RefObject<HTMLInputElement | null> }) {
  const db = catalogDb();
  const categories = useLiveQuery(() => db.categories.toArray(), [], []);
  const variantCount = useLiveQuery(() => countVariants(db), [], 0);
  const favouriteIds = useLiveQuery(async () => (await tillDb().getMeta<string[]>(favouritesKey(pairing.register_id))) ?? [], [pairing.register_id], [] as string[]);
  const [tab, setTab] = useState(FAVOURITES);
  const [results, setResults] = useState<{ q: string; list: CachedVariant[] }>({ q: '', list: [] });
  const [grid, setGrid] = useState<CachedVariant[]>([]);

  const top = useMemo(() => categories.filter((c) => !c.parent_id).toSorted((a, b) => a.position - b.position || a.name.localeCompare(b.name)), [categories]);

  useEffect(() => {
    let current = true;
    const q = query.trim();
    if (!q) return setResults({ q: '', list: [] });
    void searchVariants(db, q).then((list) => current && setResults({ q, list }));
    return () => void (current = false);
  }, [db, query, variantCount]);

  useEffect(() => {
    let current = true;
    const load = tab === FAVOURITES ? variantsByIds(db, favouriteIds) : variantsInCategories(db, categoryAndDescendants(categories, tab));
    void load.then((list) => current && setGrid(list));
    return () => void (current = false);
  }, [db, tab, favouriteIds, categories, variantCount]);

  async function add(v: CachedVariant) {
    const line = await lineFor(db, v, pairing.store_id);
    if (typeof line === 'string') till.notice('error', line);
    else till.run('addLine', line);
  }

  const searching = query.trim() !== '';
  const list = searching ? results.list : grid;

  return (
    <section className="till-catalog" aria-label="Products">
      <form
        className="till-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const first = results.list[0];
          if (first && results.q === query.trim()) {
            void add(first);
            setQuery('');
          }
        }}
      >
        <label htmlFor="till-search" className="visually-hidden">
          Search products
        </label>
        <input
          id="till-search"
          ref={searchRef}
          type="search"
          className="till-search__input"
          placeholder="Name, SKU or barcode"
          autoComplete="off"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
          }}
        />
        <kbd className="till-search__key">F2</kbd>
        <ActionButton till={till} id="toggleCamera" className="button button--secondary till-search__camera" pressed={till.state.camera}>
          {till.state.camera ? 'Camera on' : 'Camera'}
        </ActionButton>
      </form>
      {till.state.camera && <CameraPanel onCode={(code) => till.run('scan', code)} onClose={() => till.run('toggleCamera')} />}
      {!searching && (
        <div className="till-tabs" role="tablist" aria-label="Categories">
          {[{ id: FAVOURITES, name: '★ Favourites' }, ...top].map((c) => (
            <button key={c.id} type="button" role="tab" aria-selected={tab === c.id} className={tab === c.id ? 'till-tab till-tab--on' : 'till-tab'} onClick={() => setTab(c.id)}>
              {c.name}
            </button>
          ))}
        </div>
      )}
      {variantCount === 0 ? (
        <p className="till-empty">Loading the catalog onto this till…</p>
      ) : list.length === 0 ? (
        <p className="till-empty">
          {searching ? `Nothing matches “${query.trim()}”.` : tab === FAVOURITES ? 'No favourites yet: pick a line in the sale and press ☆ Favourite (F4) to pin its product here.' : 'No products in this category.'}
        </p>
      ) : (
        <ul className="till-grid" aria-label={searching ? 'Search results' : 'Products in this category'}>
          {list.map((v) => {
            const price = priceIn(v, pairing.store_id);
            return (
              <li key={v.id}>
                <button type="button" className="till-tile" onClick={() => void add(v)} disabled={!till.can('addLine', undefined as never)}>
                  <span className="till-tile__name">{v.name}</span>
                  <span className="till-tile__sku">{v.sku}</span>
                  <span className="till-tile__price">{price ? fmt(price.amount, price.currency) : 'No price'}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
