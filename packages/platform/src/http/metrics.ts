import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  eventsDelivered: Counter<'consumer'>;
  eventsFailed: Counter<'consumer'>;
  /** Gauges whose value is read from the database at scrape time. */
  addGauge(name: string, help: string, read: () => Promise<number>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'novapos_' });
  const httpDuration = new Histogram({
    name: 'novapos_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const eventsDelivered = new Counter({ name: 'novapos_events_delivered_total', help: 'Events delivered to consumers', labelNames: ['consumer'] as const, registers: [registry] });
  const eventsFailed = new Counter({ name: 'novapos_events_failed_total', help: 'Event deliveries that failed and will be retried', labelNames: ['consumer'] as const, registers: [registry] });
  return {
    registry,
    httpDuration,
    eventsDelivered,
    eventsFailed,
    addGauge(name, help, read) {
      registry.registerMetric(new Gauge({
        name,
        help,
        registers: [],
        async collect() {
          try {
            this.set(await read());
          } catch {
            // an unreachable database shows in /readyz; keep /metrics answering
          }
        },
      }));
    },
  };
}
