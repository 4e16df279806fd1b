// Test controls: fault switches and counters. Unauthenticated on purpose; the sandbox binds to loopback.
import { TEST_CARDS } from './contract.ts';
import { FaultsRequest, type Faults } from './faults.ts';
import { parse, sendResult, type Http } from './http.ts';

export interface ControlRoutesDeps {
  http: Http;
  faults: Faults;
  state: () => unknown;
}

export function registerControlRoutes({ http, faults, state }: ControlRoutesDeps) {
  const open = { auth: 'none' } as const;

  http.route('GET', '/', open, async (_req, reply) => reply.send({ service: 'novapos-sandbox', test_cards: TEST_CARDS }));

  http.route('GET', '/__state', open, async (_req, reply) => reply.send(state()));

  http.route('GET', '/__faults', open, async (_req, reply) => reply.send(faults.controls.snapshot()));

  http.route('POST', '/__faults', open, async (req, reply) => {
    const input = parse(FaultsRequest, req.body);
    if (!input.ok) return sendResult(reply, input);
    return reply.send(faults.apply(input.value));
  });

  http.route('DELETE', '/__faults', open, async (_req, reply) => {
    faults.controls.reset();
    return reply.send(faults.controls.snapshot());
  });
}
