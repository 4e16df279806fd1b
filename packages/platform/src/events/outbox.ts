import { sql } from 'kysely';
import type { Trx } from '../db/database.ts';
import { newId } from '../ids.ts';

export interface EmitInput {
  tenantId: string;
  type: string;
  payload: Record<string, unknown>;
  version?: number;
}

/**
 * Appends an event to `platform.outbox` in the caller's transaction, so the event exists exactly
 * when the state change does. The relay picks it up after commit.
 */
export async function emit(trx: Trx, input: EmitInput): Promise<string> {
  const id = newId();
  await sql`insert into platform.outbox (id, tenant_id, type, version, payload)
    values (${id}, ${input.tenantId}, ${input.type}, ${input.version ?? 1}, ${JSON.stringify(input.payload)}::jsonb)`.execute(trx);
  return id;
}
