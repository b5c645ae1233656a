import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import type { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import type { ReadModelProjector } from '@app/read-model/projections/read-model.projector';

/**
 * The figures that answer "is the read model and Kafka keeping up?": read at scrape time from the
 * projector and the relay (when this process publishes).
 */
export function observeProjectionAndRelay(metrics: ServiceMetrics, projector: ReadModelProjector, relay: IntegrationEventRelay | undefined): void {
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
