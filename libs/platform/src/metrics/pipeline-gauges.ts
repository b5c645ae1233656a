import type { ServiceMetrics } from './service-metrics';

/** What the read-model projector tells about itself (ReadModelProjector fits). */
export interface ProjectionFigures {
  checkpoint(): Promise<number>;
  onBatch: (events: number, seconds: number) => void;
  failureReport(): Promise<{ readonly quarantinedStreams: number }>;
}

/** What the event log tells about itself (EventStore fits). */
export interface EventLogFigures {
  headPosition(): Promise<number>;
  readAll(afterPosition: number, maxCount: number): Promise<readonly unknown[]>;
}

/** A lag is counted up to this many events: enough to alert on, bounded in cost. */
const LAG_COUNT_LIMIT = 10_000;

/** What the Kafka relay tells about itself (IntegrationEventRelay fits). */
export interface RelayFigures {
  readonly current: { readonly lagEvents: number; readonly lagSeconds: number; readonly published: number; readonly withheld: number; readonly deadLetters: number };
}

/**
 * The figures that answer "are the read model and Kafka keeping up?", read at scrape time from the
 * projector and from the relay when this process publishes.
 */
export function observePipeline(metrics: ServiceMetrics, log: EventLogFigures, projector: ProjectionFigures, relay: RelayFigures | undefined): void {
  projector.onBatch = (events, seconds) => metrics.observeProjectionBatch(events, seconds);
  metrics.gauge('scim_event_log_position', 'Position of the newest event in the log', () => log.headPosition());
  metrics.gauge('scim_projection_position', "The catch-up projector's checkpoint: the log position the read model is built up to (on the SQL stores writes also project inline)", () => projector.checkpoint());
  metrics.gauge(
    'scim_projection_lag_events',
    `Events in the log after the catch-up projector's checkpoint, counted up to ${LAG_COUNT_LIMIT.toLocaleString('en')} (on the SQL stores writes also project inline): alert when it keeps growing`,
    async () => (await log.readAll(await projector.checkpoint(), LAG_COUNT_LIMIT)).length,
  );
  metrics.gauge(
    'scim_projection_quarantined_streams',
    'Users or IdPs whose read-model row is frozen behind an event that failed to project (alert on any; npm run reproject after a fix)',
    async () => (await projector.failureReport()).quarantinedStreams,
  );
  if (!relay) return;
  metrics.gauge('scim_relay_lag_events', 'User events in the log not yet acknowledged by Kafka (counted up to 10,000)', () => relay.current.lagEvents);
  metrics.gauge('scim_relay_lag_seconds', 'Age of the oldest user event not yet acknowledged by Kafka', () => relay.current.lagSeconds);
  metrics.gauge('scim_relay_published_events', 'Events this process published to Kafka since it started', () => relay.current.published);
  metrics.gauge('scim_relay_withheld_events', 'Events published as a withheld notice since start (too large, or refused by the broker): alert on any', () => relay.current.withheld);
  metrics.gauge('scim_relay_dead_letters', 'Events recorded as dead letters, all time (not even their notice was accepted): alert on any', () => relay.current.deadLetters);
}
