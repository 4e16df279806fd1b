// CSV import (upload with progress) and export (download) of products, variants, prices and stock.
// Outside the JSON client: the body is a file and the upload needs XMLHttpRequest's progress events.
import { ApiError, type AuthSource, type Problem } from '../../api/client';
import { sessionAuth } from '../../auth/session';

export type ImportResult = {
  status: 'applied' | 'validated';
  rows: number;
  products_created: number;
  products_updated: number;
  variants_created: number;
  variants_updated: number;
  stock_rows: number;
};
export type ImportRowError = { line: number; column: string | null; reason: string };
export type ImportReport = { rows: number; errors: ImportRowError[] };
/** 422 `import_rejected`: nothing was applied; the report says what to fix. */
export type ImportOutcome = { ok: true; result: ImportResult } | { ok: false; detail: string; report: ImportReport };

type Progress = (p: { loaded: number; total: number; phase: 'uploading' | 'processing' }) => void;

function signedOut(): ApiError {
  return new ApiError({ type: 'about:blank', title: 'Signed out', status: 401, detail: 'Your session has ended. Please sign in again.', code: 'signed_out' });
}

function post(file: File, token: string, dryRun: boolean, key: string, onProgress: Progress, signal?: AbortSignal): Promise<{ status: number; body: unknown; statusText: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/imports/products${dryRun ? '?dry_run=true' : ''}`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Idempotency-Key', key);
    xhr.upload.addEventListener('progress', (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size, phase: 'uploading' }));
    xhr.upload.addEventListener('load', () => onProgress({ loaded: file.size, total: file.size, phase: 'processing' }));
    xhr.addEventListener('load', () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // not JSON: handled by the caller from the status
      }
      resolve({ status: xhr.status, body, statusText: xhr.statusText });
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: "Can't reach the NovaPOS server. Check the connection and try again.", code: 'network_error' })),
    );
    xhr.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

export async function importProducts(
  file: File,
  opts: { dryRun: boolean; idempotencyKey: string; onProgress: Progress; signal?: AbortSignal; auth?: AuthSource },
): Promise<ImportOutcome> {
  const auth = opts.auth ?? sessionAuth;
  let token = await auth.accessToken();
  if (!token) throw signedOut();
  let res = await post(file, token, opts.dryRun, opts.idempotencyKey, opts.onProgress, opts.signal);
  if (res.status === 401) {
    token = await auth.renew(token);
    if (!token) throw signedOut();
    res = await post(file, token, opts.dryRun, opts.idempotencyKey, opts.onProgress, opts.signal);
  }
  const body = res.body as (Problem & { report?: ImportReport }) | ImportResult | null;
  if (res.status >= 200 && res.status < 300 && body) return { ok: true, result: body as ImportResult };
  const problem = body as (Problem & { report?: ImportReport }) | null;
  if (res.status === 422 && problem?.code === 'import_rejected' && problem.report) {
    return { ok: false, detail: problem.detail ?? problem.title, report: problem.report };
  }
  if (problem && typeof problem === 'object' && 'status' in problem) throw new ApiError(problem);
  const title = res.statusText || `HTTP ${res.status}`;
  throw new ApiError({ type: 'about:blank', title, status: res.status, detail: `The server answered ${res.status} ${title}.`, code: 'http_error' });
}

/** Fetches the export with the bearer token and hands it to the browser as a file download. */
export async function downloadProductsCsv(auth: AuthSource = sessionAuth): Promise<string> {
  const get = (token: string) =>
    fetch('/api/v1/exports/products.csv', { headers: { Authorization: `Bearer ${token}`, Accept: 'text/csv, application/problem+json' } }).catch(() => {
      throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: "Can't reach the NovaPOS server. Check the connection and try again.", code: 'network_error' });
    });
  let token = await auth.accessToken();
  if (!token) throw signedOut();
  let res = await get(token);
  if (res.status === 401) {
    token = await auth.renew(token);
    if (!token) throw signedOut();
    res = await get(token);
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as Problem | null;
    throw new ApiError(problem && 'status' in problem ? problem : { type: 'about:blank', title: res.statusText || 'Export failed', status: res.status, detail: `The server answered ${res.status}.`, code: 'http_error' });
  }
  const blob = await res.blob();
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get('Content-Disposition') ?? '')?.[1];
  const filename = named ? decodeURIComponent(named) : `products-${new Date().toISOString().slice(0, 10)}.csv`;
  saveBlob(blob, filename);
  return filename;
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function reportCsv(errors: readonly ImportRowError[]): Blob {
  const lines = ['line,column,reason', ...errors.map((e) => [e.line, e.column, e.reason].map(csvCell).join(','))];
  return new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' });
}
