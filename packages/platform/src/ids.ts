import { uuidv7 } from 'uuidv7';

/** Ids are UUIDv7: time-ordered, so inserts stay index-friendly, and a till may mint them offline. */
export const newId = (): string => uuidv7();

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** Scope for idempotency keys and events that precede any tenant (signup). */
export const NIL_TENANT = '00000000-0000-0000-0000-000000000000';
