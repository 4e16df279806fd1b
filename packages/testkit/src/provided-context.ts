import type { PgServerInfo } from './postgres.ts';

/** What the vitest global setup provides under the key 'pg' (null: no PostgreSQL here). */
export type ProvidedPg = PgServerInfo | null;

declare module 'vitest' {
  export interface ProvidedContext {
    pg: ProvidedPg;
  }
}
