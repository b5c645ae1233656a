import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One answered HTTP request, as the metrics label it: every label has few values (no ids from URLs). */
export interface RequestObservation {
  /** The IdP of an authenticated SCIM request, else `none`: an unknown IdP in a URL never becomes a label. */
  readonly provider: string;
  /** The route's pattern (`/scim/v2/enterprise-idps/:providerId/Users/:id`), or `unmatched`. */
  readonly route: string;
  readonly method: string;
  readonly status: number;
  readonly seconds: number;
}

/** How a write to the event log ended. */
export type AppendOutcome = 'committed' | 'conflict' | 'failed';

const SECONDS_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics, in a registry of its own (tests run several apps in one
 * process): HTTP requests, appends, and figures read at scrape time from the parts that own them.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'provider' | 'route' | 'method' | 'status'>;
  private readonly requestSeconds: Histogram<'route' | 'method'>;
  private readonly appendSeconds: Histogram<'outcome'>;
  private readonly projectionSeconds: Histogram;
  private readonly projectedEvents: Counter;

  constructor(app: 'scim-api' | 'scim-worker') {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'scim_http_requests_total',
      help: 'HTTP requests answered, by IdP (authenticated SCIM requests only), route pattern, method and status',
      labelNames: ['provider', 'route', 'method', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'scim_http_request_duration_seconds',
      help: 'Time from the first byte of a request to the end of its answer',
      labelNames: ['route', 'method'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.appendSeconds = new Histogram({
      name: 'scim_event_append_duration_seconds',
      help: 'One write to the event log: events, uniqueness claims and (on the SQL stores) the read-model rows, in one transaction',
      labelNames: ['outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.projectionSeconds = new Histogram({
      name: 'scim_projection_batch_duration_seconds',
      help: "One batch of the catch-up projector (up to 500 events in one transaction): on EventStoreDB the read model's delay behind a write; on the SQL stores writes also project inline",
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.projectedEvents = new Counter({
      name: 'scim_projection_events_total',
      help: 'Events the catch-up projector of this process took through (projected, already built inline, or quarantined)',
      registers,
    });
  }

  observeRequest(observation: RequestObservation): void {
    const { provider, route, method, status, seconds } = observation;
    this.requests.inc({ provider, route, method, status: String(status) });
    this.requestSeconds.observe({ route, method }, seconds);
  }

  observeAppend(outcome: AppendOutcome, seconds: number): void {
    this.appendSeconds.observe({ outcome }, seconds);
  }

  observeProjectionBatch(events: number, seconds: number): void {
    this.projectionSeconds.observe(seconds);
    this.projectedEvents.inc(events);
  }

  /**
   * A figure another part owns (a lag, a queue's drops), read when Prometheus scrapes. A read that
   * fails (the database is down) shows as NaN in that scrape rather than failing it.
   */
  gauge(name: string, help: string, read: () => number | undefined | Promise<number | undefined>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const value = await Promise.resolve()
          .then(read)
          .catch(() => undefined);
        this.set(value ?? Number.NaN);
      },
    });
  }

  /** The text exposition format, with its content type. */
  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
