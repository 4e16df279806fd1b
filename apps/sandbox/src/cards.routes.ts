// Card processor routes: tokens, charges, capture, void, refunds.
import type { CardService } from './cards.service.ts';
import { ChargeCapture, ChargeCreate, ChargeVoid, ChargeListQuery, RefundCreate, RefundListQuery, TokenCreate, type List } from './contract.ts';
import type { Faults } from './faults.ts';
import { fail } from './errors.ts';
import { parse, sendResult, sendSaved, toResponse, type Http } from './http.ts';
import type { TerminalKeyPair } from './terminal-key.ts';
import type { Timers } from './timers.ts';

export interface CardRoutesDeps {
  http: Http;
  cards: CardService;
  faults: Faults;
  timers: Timers;
  /** Simulated authorization time, inside the idempotent section. */
  processingDelayMs: number;
  terminalKey: TerminalKeyPair;
}

// services are asked for one more than the limit, to tell whether there is more
const more = <Q extends { limit: number }>(query: Q): Q => ({ ...query, limit: query.limit + 1 });
const list = <T>(data: T[], limit: number): List<T> => ({ object: 'list', data: data.slice(0, limit), has_more: data.length > limit });

export function registerCardRoutes({ http, cards, faults, timers, processingDelayMs, terminalKey }: CardRoutesDeps) {
  const secret = { auth: 'secret' } as const;

  http.route('POST', '/v1/tokens', { auth: 'publishable', cors: true }, async (req, reply) => {
    const input = parse(TokenCreate, req.body);
    if (!input.ok) return sendResult(reply, input);
    return sendResult(reply, cards.createToken(input.value));
  });

  // the till fetches this while online and keeps it, to encrypt cards taken while offline
  http.route('GET', '/v1/terminal/key', { auth: 'publishable', cors: true }, async (_req, reply) => reply.send(terminalKey.publicKey));

  http.route('GET', '/v1/tokens/:id', secret, async (req, reply) => {
    return sendResult(reply, cards.getToken((req.params as { id: string }).id));
  });

  http.route('POST', '/v1/charges', secret, async (req, reply) => {
    const input = parse(ChargeCreate, req.body);
    if (!input.ok) return sendResult(reply, input);
    const timeout = faults.takeTimeout();
    // lost on the way in: the processor never saw it
    if (timeout && !timeout.processed) return http.hang(req, reply);
    let withhold = false;
    const saved = await http.idempotent(req, { required: true, body: input.value }, async (key) => {
      await timers.sleep(processingDelayMs);
      let token = input.value.token;
      if (token === undefined) {
        // store and forward: the card is read here, at the processor, and goes no further
        const card = terminalKey.decrypt(input.value.encrypted_card!);
        if (!card) return toResponse(fail('encrypted_card_invalid', 'The encrypted card could not be read with this terminal key.', { param: 'encrypted_card' }));
        const tok = cards.createToken(card);
        if (!tok.ok) return toResponse(tok);
        token = tok.value.id;
      }
      const result = cards.createCharge({ ...input.value, token }, key!);
      if (result.ok) {
        withhold = result.value.withhold;
        return { status: 200, body: result.value.charge };
      }
      return toResponse(result);
    });
    if (!saved.ok) return sendResult(reply, saved);
    // lost on the way back: the charge is made and saved under its key, the answer never arrives
    if (withhold || timeout) return http.hang(req, reply);
    return sendSaved(reply, saved.value);
  });

  http.route('GET', '/v1/charges', secret, async (req, reply) => {
    const query = parse(ChargeListQuery, req.query);
    if (!query.ok) return sendResult(reply, query);
    return reply.send(list(cards.listCharges(more(query.value)), query.value.limit));
  });

  http.route('GET', '/v1/charges/:id', secret, async (req, reply) => {
    return sendResult(reply, cards.getCharge((req.params as { id: string }).id));
  });

  http.route('POST', '/v1/charges/:id/capture', secret, async (req, reply) => {
    const input = parse(ChargeCapture, req.body);
    if (!input.ok) return sendResult(reply, input);
    const id = (req.params as { id: string }).id;
    const saved = await http.idempotent(req, { required: false, body: input.value }, async () => toResponse(cards.capture(id, input.value)));
    return saved.ok ? sendSaved(reply, saved.value) : sendResult(reply, saved);
  });

  http.route('POST', '/v1/charges/:id/void', secret, async (req, reply) => {
    const input = parse(ChargeVoid, req.body);
    if (!input.ok) return sendResult(reply, input);
    const id = (req.params as { id: string }).id;
    const saved = await http.idempotent(req, { required: false, body: {} }, async () => toResponse(cards.void(id)));
    return saved.ok ? sendSaved(reply, saved.value) : sendResult(reply, saved);
  });

  http.route('POST', '/v1/refunds', secret, async (req, reply) => {
    const input = parse(RefundCreate, req.body);
    if (!input.ok) return sendResult(reply, input);
    const saved = await http.idempotent(req, { required: true, body: input.value }, async (key) => toResponse(cards.refund(input.value, key!)));
    return saved.ok ? sendSaved(reply, saved.value) : sendResult(reply, saved);
  });

  http.route('GET', '/v1/refunds', secret, async (req, reply) => {
    const query = parse(RefundListQuery, req.query);
    if (!query.ok) return sendResult(reply, query);
    return reply.send(list(cards.listRefunds(more(query.value)), query.value.limit));
  });

  http.route('GET', '/v1/refunds/:id', secret, async (req, reply) => {
    return sendResult(reply, cards.getRefund((req.params as { id: string }).id));
  });
}
