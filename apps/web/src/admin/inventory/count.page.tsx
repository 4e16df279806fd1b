import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { Dialog } from '../../ui/dialog';
import { ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { Flash, PageHeader } from '../admin-layout';
import { formatDateTime, plural, signed } from '../shared/format';
import { Pager, useCursorPages } from '../shared/paging';
import { useStoreName } from '../shared/store-select';
import { COUNT_STATUS } from './counts.page';
import { inventoryApi, type Count, type CountDetail, type CountLine } from './inventory-api';

type LinesFilter = 'all' | 'uncounted' | 'counted' | 'differences';
const TABS: { value: LinesFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'uncounted', label: 'Not counted' },
  { value: 'counted', label: 'Counted' },
  { value: 'differences', label: 'Differences' },
];

export function CountPage() {
  const { countId = '' } = useParams();
  const head = useAsync(() => inventoryApi.count(countId, { limit: 1 }), [countId]);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/inventory/counts">Counts</Link>
      </p>
      {head.status === 'loading' && <Loading label="Loading count…" />}
      {head.status === 'error' && <LoadError error={head.error} onRetry={head.reload} />}
      {head.status === 'ready' && <CountView key={countId} initial={head.data} />}
    </>
  );
}

function CountView({ initial }: { initial: CountDetail }) {
  const { can } = useAdmin();
  const storeName = useStoreName();
  const [count, setCount] = useState<Count>(initial);
  const [filter, setFilter] = useState<LinesFilter>('all');
  const [edits, setEdits] = useState<Record<string, CountLine>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [closing, setClosing] = useState<'submit' | 'cancel' | null>(null);
  const open = count.status === 'open' && can('inventory.count');
  const lines = useCursorPages((cursor) => inventoryApi.count(count.id, { lines: filter, cursor }), `${filter}:${count.status}`);
  const s = count.summary;

  // What a scan or an edit sent back: the new summary and the touched lines.
  const applied = (d: CountDetail) => {
    setCount(d);
    setEdits((e) => ({ ...e, ...Object.fromEntries(d.lines.map((l) => [l.variant_id, l])) }));
  };

  return (
    <>
      <PageHeader title={`Count at ${storeName(count.store_id)}`}>
        <span className={`${COUNT_STATUS[count.status].badge} badge--large`}>{COUNT_STATUS[count.status].label}</span>
      </PageHeader>
      <Flash hidden={!!message} />
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      <p className="muted">
        Opened {formatDateTime(count.opened_at)}
        {count.closed_at ? ` · ${count.status} ${formatDateTime(count.closed_at)}` : ''}
        {count.note ? ` · ${count.note}` : ''}
      </p>
      <dl className="stats" aria-label="Count summary">
        <div>
          <dt>Counted</dt>
          <dd>
            {s.counted} <span className="muted">of {s.lines}</span>
          </dd>
        </div>
        <div>
          <dt>Units expected</dt>
          <dd>{s.units_expected}</dd>
        </div>
        <div>
          <dt>Units counted</dt>
          <dd>{s.units_counted}</dd>
        </div>
        <div>
          <dt>With a difference</dt>
          <dd>{s.with_difference}</dd>
        </div>
        <div>
          <dt>{count.status === 'submitted' ? 'Posted' : 'Net correction'}</dt>
          <dd className={s.net_correction < 0 ? 'qty--out' : s.net_correction > 0 ? 'qty--in' : undefined}>{signed(s.net_correction)}</dd>
        </div>
      </dl>
      {open && <ScanBox countId={count.id} onApplied={applied} />}
      <section className="panel" aria-labelledby="lines-heading">
        <h2 id="lines-heading">Items</h2>
        <div className="tabs" role="group" aria-label="Show items">
          {TABS.map((t) => (
            <button key={t.value} type="button" className={filter === t.value ? 'tab tab--active' : 'tab'} aria-pressed={filter === t.value} onClick={() => setFilter(t.value)}>
              {t.label}
            </button>
          ))}
        </div>
        {lines.status === 'loading' && <Loading label="Loading items…" />}
        {lines.status === 'error' && <LoadError error={lines.error} onRetry={lines.reload} />}
        {lines.status === 'ready' &&
          (lines.data.lines.length === 0 ? (
            <p className="muted">Nothing here.</p>
          ) : (
            <table className="table table--dense">
              <caption className="visually-hidden">Items of this count</caption>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">SKU</th>
                  <th scope="col" className="num">
                    Expected
                  </th>
                  <th scope="col">Counted</th>
                  <th scope="col" className="num">
                    Difference
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.data.lines.map((l0) => {
                  const l = edits[l0.variant_id] ?? l0;
                  return (
                    <tr key={l.variant_id}>
                      <th scope="row" data-label="Item">
                        {l.name ?? l.variant_id}
                      </th>
                      <td data-label="SKU" className="mono">
                        {l.sku}
                      </td>
                      <td data-label="Expected" className="num">
                        {l.expected}
                      </td>
                      <td data-label="Counted">{open ? <CountedInput countId={count.id} line={l} onApplied={applied} /> : (l.counted ?? <span className="muted">—</span>)}</td>
                      <td data-label="Difference" className={l.difference ? (l.difference < 0 ? 'num qty qty--out' : 'num qty qty--in') : 'num'}>
                        {l.difference === null ? '' : signed(l.difference)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ))}
        <Pager label="Item pages" pageNumber={lines.pageNumber} hasPrev={lines.hasPrev} hasNext={lines.hasNext} onPrev={lines.prev} onNext={lines.next} />
      </section>
      {open && (
        <div className="form__actions form__actions--start action-bar">
          <button type="button" className="button" onClick={() => setClosing('submit')}>
            Review and submit
          </button>
          <button type="button" className="button button--danger-outline" onClick={() => setClosing('cancel')}>
            Cancel count
          </button>
        </div>
      )}
      {closing && (
        <CloseDialog
          count={count}
          kind={closing}
          onClose={() => setClosing(null)}
          onDone={(c) => {
            setClosing(null);
            setCount(c);
            setEdits({});
            setMessage(
              c.status === 'submitted'
                ? `Count submitted: ${plural(c.summary.with_difference, 'correction')} posted, net ${signed(c.summary.net_correction)} units.`
                : 'Count cancelled; nothing was posted.',
            );
          }}
        />
      )}
    </>
  );
}

/**
 * A scanner types the code and presses Enter: each scan adds one to that item. Scans queue up so
 * a fast scanner loses none, and each is announced.
 */
function ScanBox({ countId, onApplied }: { countId: string; onApplied: (d: CountDetail) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const queue = useRef<string[]>([]);
  const running = useRef(false);
  const [text, setText] = useState('');
  const [last, setLast] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(0);

  useEffect(() => inputRef.current?.focus(), []);

  async function drain() {
    if (running.current) return;
    running.current = true;
    while (queue.current.length) {
      const code = queue.current.shift()!;
      setPending(queue.current.length);
      try {
        const d = await inventoryApi.enterCounts(countId, { lines: [{ barcode: code, counted: 1, mode: 'add' }] });
        onApplied(d);
        const l = d.lines[0];
        setLast({ ok: true, text: l ? `+1 ${l.name ?? code}: ${l.counted} counted` : `Counted ${code}` });
      } catch (err) {
        const why = err instanceof ApiError && err.code === 'not_in_count' ? `${code} is not an item of this count.` : err instanceof ApiError ? (err.problem.detail ?? err.message) : 'Scan failed.';
        setLast({ ok: false, text: why });
      }
    }
    setPending(0);
    running.current = false;
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const code = text.trim();
    setText('');
    if (!code) return;
    queue.current.push(code);
    void drain();
  }

  return (
    <section className="panel scan-box" aria-labelledby="scan-heading">
      <h2 id="scan-heading">Scan</h2>
      <div className="field">
        <label htmlFor="scan-input">Scan a barcode or type a SKU, then Enter</label>
        <input
          ref={inputRef}
          id="scan-input"
          className="scan-box__input"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          aria-describedby="scan-hint"
        />
        <p className="field__hint" id="scan-hint">
          Each scan adds one. Keep this box focused while scanning.
        </p>
      </div>
      <p className={last ? (last.ok ? 'scan-box__result scan-box__result--ok' : 'scan-box__result scan-box__result--error') : 'scan-box__result'} role={last && !last.ok ? 'alert' : 'status'} aria-live="polite">
        {last?.text}
        {pending > 0 ? ` (${pending} more queued)` : ''}
      </p>
    </section>
  );
}

function CountedInput({ countId, line, onApplied }: { countId: string; line: CountLine; onApplied: (d: CountDetail) => void }) {
  const [text, setText] = useState(line.counted === null ? '' : String(line.counted));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A scan elsewhere changed it: show the new number unless the user is typing here.
  const [seen, setSeen] = useState(line.counted);
  if (line.counted !== seen) {
    setSeen(line.counted);
    setText(line.counted === null ? '' : String(line.counted));
  }

  async function save(e?: FormEvent) {
    e?.preventDefault();
    if (text === (line.counted === null ? '' : String(line.counted)) || text === '') return;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) return setError('Enter 0 or more.');
    setBusy(true);
    setError(null);
    try {
      onApplied(await inventoryApi.enterCounts(countId, { lines: [{ variant_id: line.variant_id, counted: n, mode: 'set' }] }));
    } catch (err) {
      setError(err instanceof ApiError ? (err.problem.detail ?? err.message) : 'Could not save.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="counted-input" onSubmit={save}>
      <input
        className="grid-input grid-input--short"
        inputMode="numeric"
        value={text}
        onChange={(e) => setText(e.target.value.replace(/\D/g, ''))}
        onBlur={() => void save()}
        aria-label={`Counted quantity of ${line.name ?? line.sku ?? 'item'}`}
        aria-invalid={error ? true : undefined}
        aria-busy={busy || undefined}
        placeholder="—"
      />
      {error && <span className="field__error grid-error">{error}</span>}
    </form>
  );
}

function CloseDialog({ count, kind, onClose, onDone }: { count: Count; kind: 'submit' | 'cancel'; onClose: () => void; onDone: (c: Count) => void }) {
  const idem = useIdempotencyKey();
  const [uncounted, setUncounted] = useState<'skip' | 'zero'>('skip');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const s = count.summary;

  async function confirm(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = kind === 'submit' ? await inventoryApi.submitCount(count.id, { uncounted }, idem.keyFor({ submit: count.id, uncounted })) : await inventoryApi.cancelCount(count.id, idem.keyFor({ cancel: count.id }));
      idem.done();
      onDone(c);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Dialog title={kind === 'submit' ? 'Submit this count?' : 'Cancel this count?'} onClose={onClose} role="alertdialog">
      <form className="form" onSubmit={confirm}>
        <ProblemAlert error={error} />
        {kind === 'submit' ? (
          <>
            <p>
              {s.counted} of {s.lines} items counted; {plural(s.with_difference, 'item')} differ, a net change of <strong>{signed(s.net_correction)}</strong> units. Submitting posts a count
              correction for each difference.
            </p>
            {s.uncounted > 0 && (
              <fieldset className="fieldset">
                <legend>{plural(s.uncounted, 'item')} not counted</legend>
                <label className="checkbox">
                  <input type="radio" name="uncounted" checked={uncounted === 'skip'} onChange={() => setUncounted('skip')} />
                  Leave their stock as it is
                </label>
                <label className="checkbox">
                  <input type="radio" name="uncounted" checked={uncounted === 'zero'} onChange={() => setUncounted('zero')} />
                  Set them to zero (none were found)
                </label>
              </fieldset>
            )}
          </>
        ) : (
          <p>The quantities entered are dropped and nothing is posted.</p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Go back
          </button>
          <button type="submit" className={kind === 'submit' ? 'button' : 'button button--danger'} disabled={busy} autoFocus>
            {busy ? 'Working…' : kind === 'submit' ? 'Submit count' : 'Cancel count'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
