import type { ServiceMetrics } from './service-metrics';

/** What the read-model projector tells about itself (ReadModelProjector fits). */
export interface ProjectionFigures {
  checkpoint(): Promise<number>;
  failureReport(): Promise<{ readonly quarantinedStreams: number }>;
}

/** What the event log tells about itself (EventStore fits). */
export interface EventLogFigures {
  headPosition(): Promise<number>;
}

/** What the Kafka relay tells about itself (IntegrationEventRelay fits). */
export interface RelayFigures {
  readonly current: { readonly lagEvents: number; readonly lagSeconds: number; readonly published: number; readonly withheld: number; readonly deadLetters: number };
}

/**
 * The figures that answer "are the read model and Kafka keeping up?", read at scrape time from the
 * projector and from the relay when this process publishes.
 */
export function observePipeline(metrics: ServiceMetrics, log: EventLogFigures, projector: ProjectionFigures, relay: RelayFigures | undefined): void {
  metrics.gauge('scim_event_log_position', 'Position of the newest event in the log', () => log.headPosition());
  metrics.gauge('scim_projection_position', "The catch-up projector's checkpoint: the log position the read model is built up to (on the SQL stores writes also project inline)", () => projector.checkpoint());
  metrics.gauge(
    'scim_projection_lag_positions',
    'Log positions between the newest event and the catch-up projector (events on the SQL stores; on EventStoreDB positions are byte offsets): alert when it keeps growing',
    async () => {
      // The checkpoint first: read the other way round, a write between the reads would show as a lag below zero.
      const projected = await projector.checkpoint();
      return Math.max(0, (await log.headPosition()) - projected);
    },
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
