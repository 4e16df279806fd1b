// Crypto checkout routes: create and read charges (server), the hosted page and its Pay button (customer).
import { CryptoChargeCreate, CryptoChargeListQuery, EventsQuery, type List } from './contract.ts';
import type { CryptoService } from './crypto.service.ts';
import { hostedPage } from './hosted-page.ts';
import { parse, sendResult, sendSaved, type Http } from './http.ts';
import type { WebhookSender } from './webhooks.ts';

export interface CryptoRoutesDeps {
  http: Http;
  crypto: CryptoService;
  webhooks: WebhookSender;
}

// services are asked for one more than the limit, to tell whether there is more
const more = <Q extends { limit: number }>(query: Q): Q => ({ ...query, limit: query.limit + 1 });
const list = <T>(data: T[], limit: number): List<T> => ({ object: 'list', data: data.slice(0, limit), has_more: data.length > limit });

export function registerCryptoRoutes({ http, crypto, webhooks }: CryptoRoutesDeps) {
  const secret = { auth: 'secret' } as const;

  http.route('POST', '/v1/crypto/charges', secret, async (req, reply) => {
    const input = parse(CryptoChargeCreate, req.body);
    if (!input.ok) return sendResult(reply, input);
    const saved = await http.idempotent(req, { required: true, body: input.value }, async (key) => ({ status: 200, body: crypto.create(input.value, key!) }));
    return saved.ok ? sendSaved(reply, saved.value) : sendResult(reply, saved);
  });

  http.route('GET', '/v1/crypto/charges', secret, async (req, reply) => {
    const query = parse(CryptoChargeListQuery, req.query);
    if (!query.ok) return sendResult(reply, query);
    return reply.send(list(crypto.list(more(query.value)), query.value.limit));
  });

  http.route('GET', '/v1/crypto/charges/:id', secret, async (req, reply) => {
    return sendResult(reply, crypto.get((req.params as { id: string }).id));
  });

  // The customer's wallet "pays": public, as a deposit address is; what the hosted page's button calls.
  http.route('POST', '/v1/crypto/charges/:id/pay', { auth: 'none', cors: true }, async (req, reply) => {
    return sendResult(reply, crypto.pay((req.params as { id: string }).id));
  });

  http.route('GET', '/v1/events', secret, async (req, reply) => {
    const query = parse(EventsQuery, req.query);
    if (!query.ok) return sendResult(reply, query);
    return reply.send(list(webhooks.list(more(query.value)), query.value.limit));
  });

  http.route('GET', '/pay/:id', { auth: 'none' }, async (req, reply) => {
    const charge = crypto.get((req.params as { id: string }).id);
    if (!charge.ok) return reply.code(404).type('text/html; charset=utf-8').send('<!doctype html><title>Not found</title><p>No such checkout.</p>');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(hostedPage(charge.value));
  });
}
