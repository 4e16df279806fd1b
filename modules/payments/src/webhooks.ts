// The processor's webhooks. The signature is an HMAC-SHA256 over the exact bytes received (with a
// timestamp), so this route gets its body as raw bytes from a parser of its own, registered in an
// encapsulated Fastify scope: JSON parsing of every other route is untouched.
import type { CryptoCharge, WebhookEvent } from '@novapos/sandbox';
import { SIGNATURE_HEADER, verifySignature, type VerifyFailure } from '@novapos/sandbox/signature';
import type { FastifyInstance } from 'fastify';
import { AppError, defineRoute, registerRoutes, serviceCtx, systemActor, systemTx, tenantTx, type Database, type Kernel } from '@novapos/platform';
import { fromCryptoCharge } from './adapters/crypto.ts';
import { PaymentErrors, WebhookAck } from './contract.ts';
import { findPayment, t } from './payments.repository.ts';
import { settle, type PaymentsDeps } from './payments.service.ts';

export const WEBHOOK_PATH = '/api/v1/webhooks/sandbox';
/** Older (or newer) than this, a signed webhook is refused: a captured one cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const REFUSALS: Record<VerifyFailure, string> = {
  missing_header: `The ${SIGNATURE_HEADER} header is missing`,
  malformed_header: `The ${SIGNATURE_HEADER} header is malformed`,
  timestamp_out_of_tolerance: `The signature timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s away from now`,
  signature_mismatch: 'The signature does not match the body',
};

function parseEvent(raw: Buffer): { id: string; type: string; charge: CryptoCharge } {
  let event: WebhookEvent;
  try {
    event = JSON.parse(raw.toString('utf8')) as WebhookEvent;
  } catch {
    throw new AppError(400, 'malformed_json', 'The webhook body is not JSON');
  }
  const charge = event?.data?.charge;
  if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof charge?.id !== 'string') {
    throw new AppError(400, 'validation_failed', 'The webhook is not an event with a charge');
  }
  return { id: event.id, type: event.type, charge };
}

export async function handleWebhook(deps: PaymentsDeps & { webhookSecret: string }, database: Database, raw: Buffer, header: string | string[] | undefined): Promise<WebhookAck> {
  const verified = verifySignature(deps.webhookSecret, header, raw, WEBHOOK_TOLERANCE_SECONDS, deps.clock.now());
  if (!verified.ok) throw new AppError(400, PaymentErrors.invalidSignature, REFUSALS[verified.reason], { extra: { reason: verified.reason } });
  const event = parseEvent(raw);
  const ref = await systemTx(database.db, (trx) => t(trx).selectFrom('payments.charge_refs').selectAll().where('processor_reference', '=', event.charge.id).executeTakeFirst());
  // 404 so the processor retries: our record of the charge may not be committed yet
  if (!ref) throw new AppError(404, PaymentErrors.unknownCharge, 'No payment is waiting for this charge');
  return tenantTx(database.db, ref.tenant_id, async (trx) => {
    const fresh = await t(trx)
      .insertInto('payments.webhook_events')
      .values({ event_id: event.id, tenant_id: ref.tenant_id, type: event.type, processor_reference: event.charge.id })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!fresh) {
      const current = await findPayment(trx, ref.payment_id);
      return { received: true, duplicate: true, payment_id: ref.payment_id, status: current?.status ?? null };
    }
    const ctx = serviceCtx({ trx, tenantId: ref.tenant_id, actor: systemActor, clock: deps.clock, log: deps.log, requestId: `webhook:${event.id}` });
    const outcome = fromCryptoCharge(event.charge, `webhook ${event.type}`);
    const dto = await settle(ctx, deps, ref.payment_id, outcome);
    return { received: true, duplicate: false, payment_id: ref.payment_id, status: dto.status };
  });
}

export async function registerWebhookRoutes(http: FastifyInstance, kernel: Kernel, deps: PaymentsDeps & { webhookSecret: string }, database: Database): Promise<void> {
  await http.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    registerRoutes(scope, kernel, [
      defineRoute({
        method: 'POST', url: WEBHOOK_PATH, summary: 'Payment processor webhooks (signed; verified over the raw body)', tags: ['payments'],
        auth: 'none', permission: null, idempotent: false, transaction: 'none', status: 200, response: WebhookAck,
        handler: async (_ctx, { req }) => {
          if (!Buffer.isBuffer(req.body)) throw new AppError(415, 'unsupported_media_type', 'Send the webhook as application/json');
          return handleWebhook(deps, database, req.body, req.headers[SIGNATURE_HEADER]);
        },
      }),
    ]);
  });
}
