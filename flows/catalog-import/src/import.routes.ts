import { PassThrough, Readable } from 'node:stream';
import { z } from 'zod';
import { AppError, claimKey, defineRoute, emit, scopeToTenant, storeResponse, validateKey, type AnyRouteDef, type Ctx, type Kernel, type Trx } from '@novapos/platform';
import { ImportQuery, ImportResult, MAX_IMPORT_BYTES } from './contract.ts';
import { writeExport, type ExportDeps } from './export.flow.ts';
import { readCsv, runImport, type ImportDeps } from './import.flow.ts';

/** The request's context moved into a transaction this route opened itself. */
const inTx = (ctx: Ctx, trx: Trx): Ctx => ({ ...ctx, trx, emit: (type, payload) => emit(trx, { tenantId: ctx.tenantId, type, payload }) });

/** Resolves once the stream may take more (or rejects when the client has gone). */
function drained(out: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the client closed the download'));
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}

export function catalogImportRoutes(kernel: Kernel, deps: ImportDeps & ExportDeps): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/imports/products',
      summary: 'Import products, variants, prices and stock from a catalog CSV (Content-Type: text/csv); all rows or none',
      tags: ['catalog'],
      permission: 'catalog.manage',
      query: ImportQuery,
      response: ImportResult,
      status: 200,
      // The body is read as a stream only now, after authentication, and the import runs in a
      // transaction of its own that also holds the idempotency record (keyed by the file's hash).
      transaction: 'none',
      handler: async (ctx, { req, reply, query }) => {
        if (!(req.body instanceof Readable)) throw new AppError(415, 'unsupported_media_type', 'Send the CSV file itself as the request body, with Content-Type: text/csv');
        const key = validateKey(req.headers['idempotency-key']);
        const path = req.url.split('?')[0]!;
        const csv = await readCsv(req.body, { maxBytes: MAX_IMPORT_BYTES, hashPrefix: `POST ${req.url}\n` });
        const out = await kernel.database.db.transaction().execute(async (trx) => {
          await scopeToTenant(trx, ctx.tenantId);
          if (key) {
            const stored = await claimKey(trx, ctx.tenantId, key, 'POST', path, csv.hash);
            if (stored) return { body: stored.body as ImportResult, replayed: true };
          }
          const body = await runImport(inTx(ctx, trx), deps, csv, { dryRun: query.dry_run });
          if (key) await storeResponse(trx, ctx.tenantId, key, 'POST', path, csv.hash, { status: 200, body });
          return { body, replayed: false };
        });
        if (out.replayed) reply.header('idempotent-replayed', 'true');
        return out.body;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/exports/products.csv',
      summary: 'Every product and variant with barcodes, prices and stock per store, as the catalog CSV the import reads',
      tags: ['catalog'],
      permission: 'catalog.read',
      response: z.string().describe('text/csv'),
      status: 200,
      transaction: 'none',
      handler: async (ctx, { reply }) => {
        const out = new PassThrough();
        let started: () => void = () => {};
        const first = new Promise<void>((resolve) => (started = resolve));
        const write = async (text: string) => {
          started();
          if (out.destroyed) throw new Error('the client closed the download');
          if (!out.write(text)) await drained(out);
        };
        // one repeatable-read transaction: the file is one consistent snapshot, however long it streams
        const done = kernel.database.db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute(async (trx) => {
            await scopeToTenant(trx, ctx.tenantId);
            await writeExport(inTx(ctx, trx), deps, write);
          });
        // a failure before the first byte is an ordinary error response; later, the download breaks off
        await Promise.race([first, done]);
        done.then(
          () => out.end(),
          (err: unknown) => {
            ctx.log.warn({ err }, 'catalog export stopped');
            out.destroy(err as Error);
          },
        );
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="products-${ctx.clock.now().toISOString().slice(0, 10)}.csv"`);
        return out as never;
      },
    }),
  ] as AnyRouteDef[];
}
