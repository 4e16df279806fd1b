import { useEffect, useRef, type KeyboardEvent } from 'react';
import { ApiError, type Cashier } from '../api/client';
import { avatarColour, initials } from '../ui/avatar';
import { ProblemAlert } from '../ui/problem-alert';
import { roleLabel } from '../ui/role-label';
import { Loading } from '../ui/status';
import type { Pairing } from './pairing-store';
import type { CashierList } from './use-cashiers';

type Props = {
  pairing: Pairing;
  cashiers: CashierList;
  /** The tile to focus, coming back from that person's PIN pad. */
  focusId: string | null;
  onPick: (c: Cashier) => void;
  onPinOnly: () => void;
};

export function CashierPicker({ pairing, cashiers, focusId, onPick, onPinOnly }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const grid = useRef<HTMLUListElement>(null);
  const { list, live, loading, error } = cashiers;

  useEffect(() => {
    const tile = focusId ? grid.current?.querySelector<HTMLButtonElement>(`[data-id="${CSS.escape(focusId)}"]`) : null;
    (tile ?? heading.current)?.focus();
    // Only on arrival: a list refresh must not move focus.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <section className="picker" aria-labelledby="picker-heading">
      <h1 id="picker-heading" ref={heading} tabIndex={-1} className="picker__title">
        Who is selling?
      </h1>
      <p className="picker__subtitle">Tap your name to sign in on {pairing.register_name}</p>
      {!!error && !live && (
        <div className="picker__notice">
          {list ? (
            <p className="picker__saved">Couldn’t refresh the list; showing the one saved on this till.</p>
          ) : error instanceof ApiError && error.isNetwork ? (
            // Why is already said above the picker.
            <p className="picker__saved">Couldn’t load the list of people.</p>
          ) : (
            <ProblemAlert error={error} />
          )}
          <button type="button" className="button button--secondary button--small" onClick={cashiers.reload} disabled={loading}>
            {loading ? 'Trying…' : 'Try again'}
          </button>
        </div>
      )}
      {!list && loading && <Loading label="Loading cashiers…" />}
      {list && list.length === 0 && (
        <p className="empty picker__empty">No one at {pairing.store_name} has a PIN yet. A manager can set PINs in Users.</p>
      )}
      {list && list.length > 0 && (
        <ul ref={grid} className="picker__grid" aria-label="Cashiers" onKeyDown={moveFocus}>
          {list.map((c) => (
            <li key={c.id}>
              <CashierTile cashier={c} onPick={onPick} />
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button button--secondary button--large picker__pin-only" onClick={onPinOnly}>
        <KeypadIcon />
        Enter PIN only
      </button>
    </section>
  );
}

function CashierTile({ cashier, onPick }: { cashier: Cashier; onPick: (c: Cashier) => void }) {
  // The button's name is its visible text (with "Switch in as" for screen readers), so what is
  // seen is what is announced (WCAG 2.5.3, axe label-content-name-mismatch); the initials are
  // drawn by CSS (data-initials) and are not text.
  return (
    <button type="button" className={cashier.pin_locked ? 'tile tile--locked' : 'tile'} data-id={cashier.id} onClick={() => onPick(cashier)}>
      <span className="avatar tile__avatar tile__avatar--css" style={{ backgroundColor: avatarColour(cashier.name) }} data-initials={initials(cashier.name)} aria-hidden="true" />
      <span className="tile__name">
        <span className="visually-hidden">Switch in as </span>
        {cashier.name}
      </span>
      <span className="tile__meta">
        <span className="visually-hidden">, </span>
        {roleLabel(cashier.role)}
        {cashier.pin_locked && <span className="badge badge--warn tile__lock">PIN locked</span>}
      </span>
    </button>
  );
}

function KeypadIcon() {
  const dots = [4, 10, 16].flatMap((y) => [4, 10, 16].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="2.1" />));
  return (
    <svg className="picker__pin-only-icon" viewBox="0 0 20 20" width="20" height="20" fill="currentColor" aria-hidden="true">
      {dots}
    </svg>
  );
}

/** Arrow keys move between tiles, row by row as laid out; Home and End jump to the ends. */
function moveFocus(e: KeyboardEvent<HTMLUListElement>) {
  const tiles = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.tile')];
  const from = tiles.indexOf(document.activeElement as HTMLButtonElement);
  if (from < 0) return;
  const columns = tiles.filter((t) => t.offsetTop === tiles[0]!.offsetTop).length || 1;
  const last = tiles.length - 1;
  const row = (i: number) => Math.floor(i / columns);
  let to: number;
  switch (e.key) {
    case 'ArrowRight':
      to = Math.min(last, from + 1);
      break;
    case 'ArrowLeft':
      to = Math.max(0, from - 1);
      break;
    case 'ArrowDown':
      // Into a shorter last row: its last tile.
      to = row(from) < row(last) ? Math.min(last, from + columns) : from;
      break;
    case 'ArrowUp':
      to = from >= columns ? from - columns : from;
      break;
    case 'Home':
      to = 0;
      break;
    case 'End':
      to = last;
      break;
    default:
      return;
  }
  e.preventDefault();
  tiles[to]?.focus();
}
