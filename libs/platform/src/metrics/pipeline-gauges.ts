import type { ServiceMetrics } from './service-metrics';

/** What the read-model projector tells about itself (ReadModelProjector fits). */
export interface ProjectionFigures {
  catchUp(): Promise<number>;
  failureReport(): Promise<{ readonly quarantinedStreams: number }>;
}

/** What the Kafka relay tells about itself (IntegrationEventRelay fits). */
export interface RelayFigures {
  readonly current: { readonly lagEvents: number; readonly lagSeconds: number; readonly published: number; readonly withheld: number; readonly deadLetters: number };
}

/**
 * The figures that answer "are the read model and Kafka keeping up?", read at scrape time from the
 * projector and from the relay when this process publishes.
 */
export function observePipeline(metrics: ServiceMetrics, projector: ProjectionFigures, relay: RelayFigures | undefined): void {
  metrics.gauge('scim_projection_position', 'Log position the read model has projected up to (the catch-up projector; the SQL stores also project inline)', () => projector.catchUp());
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
