import { ApiError } from '../../api/client';

/** The server's message for `path` or for anything under it (`variants.0.price` covers `.amount`). */
export function errorUnder(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const all = error.fieldErrors();
  if (all[path]) return all[path];
  const hit = Object.keys(all).find((k) => k.startsWith(`${path}.`));
  return hit ? all[hit] : undefined;
}

/** Field paths of `error` that a form shows next to its controls (so ProblemAlert skips them). */
export function pathsUnder(error: unknown, prefixes: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return Object.keys(error.fieldErrors()).filter((k) => prefixes.some((p) => k === p || k.startsWith(`${p}.`)));
}

export const problemCode = (error: unknown) => (error instanceof ApiError ? error.code : undefined);
