/** The envelope every event travels in, on the outbox, in-process and over NATS. */
export interface EventEnvelope<P = Record<string, unknown>> {
  id: string;
  type: string;
  tenant_id: string;
  occurred_at: string;
  version: number;
  payload: P;
}
