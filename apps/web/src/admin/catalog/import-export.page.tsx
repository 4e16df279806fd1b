import { useRef, useState, type FormEvent } from 'react';
import { ProblemAlert } from '../../ui/problem-alert';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { plural } from '../shared/format';
import { downloadProductsCsv, importProducts, reportCsv, saveBlob, type ImportOutcome } from './csv-transfer';

const SHOWN_ERRORS = 500;

type Upload = { loaded: number; total: number; phase: 'uploading' | 'processing' } | null;

export function ImportExportPage() {
  const { can } = useAdmin();
  return (
    <>
      <PageHeader title="Import and export" />
      <p className="muted">
        One CSV holds products, variants, prices and stock levels, one row per variant. Export the catalog to get a file in the right shape, edit it in a spreadsheet, and import it
        back.
      </p>
      <ExportPanel />
      {can('catalog.manage') && <ImportPanel />}
    </>
  );
}

function ExportPanel() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(`Downloaded ${await downloadProductsCsv()}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      <p>Every product and variant with its barcodes, prices and stock per store.</p>
      {done && (
        <p className="alert alert--success" role="status">
          {done}
        </p>
      )}
      <ProblemAlert error={error} />
      <button type="button" className="button button--secondary" onClick={run} disabled={busy}>
        {busy ? 'Preparing the file…' : 'Download products CSV'}
      </button>
    </section>
  );
}

function ImportPanel() {
  const idem = useIdempotencyKey();
  const inputRef = useRef<HTMLInputElement>(null);
  const abortRef = useRef<AbortController | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [upload, setUpload] = useState<Upload>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setOutcome(null);
    setUpload({ loaded: 0, total: file.size, phase: 'uploading' });
    const abort = new AbortController();
    abortRef.current = abort;
    try {
      // The same file, unchanged, is the same intent: a retry replays instead of importing twice.
      const key = idem.keyFor({ name: file.name, size: file.size, modified: file.lastModified, dryRun });
      const result = await importProducts(file, { dryRun, idempotencyKey: key, onProgress: setUpload, signal: abort.signal });
      if (result.ok) idem.done();
      setOutcome(result);
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError')) setError(err);
    } finally {
      setUpload(null);
      abortRef.current = null;
    }
  }

  const pct = upload && upload.total > 0 ? Math.round((upload.loaded / upload.total) * 100) : 0;

  return (
    <section className="panel" aria-labelledby="import-heading">
      <h2 id="import-heading">Import</h2>
      <form className="form form--wide" onSubmit={submit}>
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input
            ref={inputRef}
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="import-file-hint"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setOutcome(null);
              setError(null);
            }}
            disabled={!!upload}
          />
          <p className="field__hint" id="import-file-hint">
            UTF-8, with a header row. A file with any bad row is refused whole: nothing is half-imported.
          </p>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} disabled={!!upload} />
          Check only: validate every row without changing anything
        </label>
        <div className="form__actions form__actions--start">
          <button type="submit" className="button" disabled={!file || !!upload}>
            {dryRun ? 'Check file' : 'Import file'}
          </button>
          {upload && (
            <button type="button" className="button button--secondary" onClick={() => abortRef.current?.abort()} disabled={upload.phase === 'processing'}>
              Cancel upload
            </button>
          )}
        </div>
        {upload && (
          <div className="upload-progress" role="status">
            {upload.phase === 'uploading' ? (
              <>
                <label htmlFor="upload-progress">
                  Uploading {file?.name}: {pct}% ({formatBytes(upload.loaded)} of {formatBytes(upload.total)})
                </label>
                <progress id="upload-progress" max={100} value={pct} />
              </>
            ) : (
              <>
                <label htmlFor="upload-progress">Uploaded. {dryRun ? 'Checking' : 'Importing'} the rows on the server…</label>
                <progress id="upload-progress" />
              </>
            )}
          </div>
        )}
      </form>
      <ProblemAlert error={error} />
      {outcome?.ok && <ImportSummary result={outcome.result} onApply={dryRun && outcome.result.status === 'validated' ? () => setDryRun(false) : undefined} />}
      {outcome && !outcome.ok && <ImportErrors detail={outcome.detail} report={outcome.report} fileName={file?.name ?? 'import.csv'} />}
    </section>
  );
}

function ImportSummary({ result, onApply }: { result: Extract<ImportOutcome, { ok: true }>['result']; onApply: (() => void) | undefined }) {
  const validated = result.status === 'validated';
  return (
    <div className="import-result" role="status">
      <p className="alert alert--success">
        {validated ? `All ${result.rows} rows are valid. Nothing was changed yet.` : `Imported ${result.rows} rows.`}
      </p>
      <dl className="details">
        <dt>Products {validated ? 'to create' : 'created'}</dt>
        <dd>{result.products_created}</dd>
        <dt>Products {validated ? 'to update' : 'updated'}</dt>
        <dd>{result.products_updated}</dd>
        <dt>Variants {validated ? 'to create' : 'created'}</dt>
        <dd>{result.variants_created}</dd>
        <dt>Variants {validated ? 'to update' : 'updated'}</dt>
        <dd>{result.variants_updated}</dd>
        <dt>Stock rows</dt>
        <dd>{result.stock_rows}</dd>
      </dl>
      {onApply && (
        <p>
          <button type="button" className="link-button" onClick={onApply}>
            Untick “Check only” to import this file.
          </button>
        </p>
      )}
    </div>
  );
}

function ImportErrors({ detail, report, fileName }: { detail: string; report: { rows: number; errors: { line: number; column: string | null; reason: string }[] }; fileName: string }) {
  const shown = report.errors.slice(0, SHOWN_ERRORS);
  return (
    <div className="import-report">
      {/* The server's detail counts every problem ("The file has 3 problems; nothing was imported."), also those past the listed ones. */}
      <div className="alert alert--error" role="alert">
        <p>{detail}</p>
        <p>
          The file has {plural(report.rows, 'data row')}; lines are numbered as in a text editor, the header being line 1. Fix the file and upload it again.
        </p>
      </div>
      <div className="import-report__actions">
        <button type="button" className="button button--secondary button--small" onClick={() => saveBlob(reportCsv(report.errors), fileName.replace(/\.csv$/i, '') + '-errors.csv')}>
          Download the error report
        </button>
        {report.errors.length > SHOWN_ERRORS && <span className="muted">Showing the first {SHOWN_ERRORS}.</span>}
      </div>
      <table className="table table--dense">
        <caption className="visually-hidden">Rows that need a fix</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e, i) => (
            <tr key={i}>
              <th scope="row" data-label="Line" className="num">
                {e.line}
              </th>
              <td data-label="Column" className="mono">
                {e.column ?? '—'}
              </td>
              <td data-label="Problem">{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
