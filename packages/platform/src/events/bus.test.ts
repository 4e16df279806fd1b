import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { busSuite } from './bus.suite.ts';
import { backoffMs } from './delivery.ts';
import { durableFor, subjectFor } from './nats-transport.ts';

// One in-memory PGlite for the whole file; the suite resets its tables between tests.
busSuite('PGlite', {
  open: () => openDatabase({}),
  openPeer: async (database) => database,
});

describe('event bus helpers', () => {
  it('backs off exponentially with jitter, capped', () => {
    const policy = { maxAttempts: 10, baseMs: 1000, maxMs: 60_000 };
    for (let i = 0; i < 200; i++) {
      const first = backoffMs(policy, 1);
      expect(first).toBeGreaterThanOrEqual(500);
      expect(first).toBeLessThanOrEqual(1000);
      const fourth = backoffMs(policy, 4);
      expect(fourth).toBeGreaterThanOrEqual(4000);
      expect(fourth).toBeLessThanOrEqual(8000);
      expect(backoffMs(policy, 40)).toBeLessThanOrEqual(60_000);
      expect(backoffMs(policy, 40)).toBeGreaterThanOrEqual(30_000);
    }
    const spread = new Set(Array.from({ length: 20 }, () => backoffMs(policy, 3)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('maps event types and consumer names to valid NATS subjects and durable names', () => {
    expect(subjectFor('order.completed')).toBe('novapos.events.order.completed');
    expect(subjectFor('bad type.*.>..x')).toBe('novapos.events.bad_type._._._.x');
    expect(durableFor('inventory.on-order completed')).toBe('inventory_on-order_completed');
  });
});
