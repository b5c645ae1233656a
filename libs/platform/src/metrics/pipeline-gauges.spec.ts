import { observePipeline } from './pipeline-gauges';
import { ServiceMetrics } from './service-metrics';

const value = (body: string, name: string) => body.split('\n').find((l) => l.startsWith(`${name}{`))?.split(' ').at(-1);

describe('observePipeline', () => {
  const relay = { current: { lagEvents: 4, lagSeconds: 1.5, published: 10, withheld: 0, deadLetters: 0 } };

  it('shows the log head, the projector checkpoint and the events between them, read at scrape time without projecting', async () => {
    // Positions with gaps, as the SQL stores make them: the lag counts events, not positions.
    const positions = [20, 100, 105, 110, 120];
    const log = { headPosition: async () => positions[positions.length - 1], readAll: async (after: number, max: number) => positions.filter((p) => p > after).slice(0, max) };
    const projector = { position: 100, checkpoint: async () => projector.position, failureReport: async () => ({ quarantinedStreams: 0 }), onBatch: (_events: number, _seconds: number) => undefined };
    const metrics = new ServiceMetrics('scim-worker');
    observePipeline(metrics, log, projector, relay);

    let { body } = await metrics.exposition();
    expect(value(body, 'scim_event_log_position')).toBe('120');
    expect(value(body, 'scim_projection_position')).toBe('100');
    expect(value(body, 'scim_projection_lag_events')).toBe('3');
    expect(value(body, 'scim_relay_lag_events')).toBe('4');

    projector.position = 120;
    ({ body } = await metrics.exposition());
    expect(value(body, 'scim_projection_lag_events')).toBe('0');

    // The projector's batches, timed.
    projector.onBatch(3, 0.004);
    projector.onBatch(500, 0.3);
    ({ body } = await metrics.exposition());
    expect(value(body, 'scim_projection_batch_duration_seconds_count')).toBe('2');
    expect(body).toMatch(/^scim_projection_batch_duration_seconds_bucket\{le="0.005",app="scim-worker"\} 1$/m);
    expect(value(body, 'scim_projection_events_total')).toBe('503');
  });

  it('shows NaN for the log figures while the log does not answer, and no relay figures without a relay', async () => {
    const down = async () => Promise.reject(new Error('event log down'));
    const log = { headPosition: down, readAll: down };
    const projector = { checkpoint: async () => 7, failureReport: async () => ({ quarantinedStreams: 1 }), onBatch: (_events: number, _seconds: number) => undefined };
    const metrics = new ServiceMetrics('scim-api');
    observePipeline(metrics, log, projector, undefined);

    const { body } = await metrics.exposition();
    expect(Number(value(body, 'scim_event_log_position'))).toBeNaN();
    expect(Number(value(body, 'scim_projection_lag_events'))).toBeNaN();
    expect(value(body, 'scim_projection_position')).toBe('7');
    expect(value(body, 'scim_projection_quarantined_streams')).toBe('1');
    expect(body).not.toContain('scim_relay_');
  });
});
