import type { Ctx, Kernel } from '@novapos/platform';
import type { ExportDeps } from './export.flow.ts';
import { writeExport } from './export.flow.ts';
import { readCsv, runImport, type ImportDeps, type ImportOptions, type ParsedCsv } from './import.flow.ts';
import { catalogImportRoutes } from './import.routes.ts';

export * from './contract.ts';
export { ImportRejected, type ImportDeps, type ImportOptions, type ImportPhase, type ParsedCsv } from './import.flow.ts';
export type { ExportDeps } from './export.flow.ts';
export { formatMoney, parseMoney, type RowError } from './csv-format.ts';

/** The Content-Type the import route reads (as a stream: register a parser that passes it through). */
export const CSV_CONTENT_TYPE = 'text/csv';

export type CatalogImportDeps = ImportDeps & ExportDeps;

/**
 * The catalog CSV import and export: a flow over catalog (products, prices), inventory (stock)
 * and identity (stores, currency), reached only through their service APIs.
 */
export function createCatalogImportFlow(deps: CatalogImportDeps) {
  return {
    routes: (kernel: Kernel) => catalogImportRoutes(kernel, deps),
    /** Reads a CSV stream (a file for the CLI); problems in it are reported by `run`. */
    read: readCsv,
    /** Checks and (unless a dry run) imports, in `ctx.trx`. Throws ImportRejected with the report. */
    run: (ctx: Ctx, csv: ParsedCsv, opts: ImportOptions) => runImport(ctx, deps, csv, opts),
    /** Writes the export through `write` (which should wait for the reader); run it in one repeatable-read transaction. */
    export: (ctx: Ctx, write: (text: string) => Promise<void>) => writeExport(ctx, deps, write),
  };
}

export type CatalogImportFlow = ReturnType<typeof createCatalogImportFlow>;
