import { observePipeline } from './pipeline-gauges';
import { ServiceMetrics } from './service-metrics';

const value = (body: string, name: string) => body.split('\n').find((l) => l.startsWith(`${name}{`))?.split(' ').at(-1);

describe('observePipeline', () => {
  const relay = { current: { lagEvents: 4, lagSeconds: 1.5, published: 10, withheld: 0, deadLetters: 0 } };

  it('shows the log head, the projector checkpoint and the lag between them, read at scrape time without projecting', async () => {
    const log = { head: 120, headPosition: async () => log.head };
    const projector = { position: 100, checkpoint: async () => projector.position, failureReport: async () => ({ quarantinedStreams: 0 }) };
    const metrics = new ServiceMetrics('scim-worker');
    observePipeline(metrics, log, projector, relay);

    let { body } = await metrics.exposition();
    expect(value(body, 'scim_event_log_position')).toBe('120');
    expect(value(body, 'scim_projection_position')).toBe('100');
    expect(value(body, 'scim_projection_lag_positions')).toBe('20');
    expect(value(body, 'scim_relay_lag_events')).toBe('4');

    // A projector that passed the head read a moment earlier never shows a lag below zero.
    projector.position = 130;
    ({ body } = await metrics.exposition());
    expect(value(body, 'scim_projection_lag_positions')).toBe('0');
  });

  it('shows NaN for the log figures while the log does not answer, and no relay figures without a relay', async () => {
    const log = { headPosition: async () => Promise.reject(new Error('event log down')) };
    const projector = { checkpoint: async () => 7, failureReport: async () => ({ quarantinedStreams: 1 }) };
    const metrics = new ServiceMetrics('scim-api');
    observePipeline(metrics, log, projector, undefined);

    const { body } = await metrics.exposition();
    expect(Number(value(body, 'scim_event_log_position'))).toBeNaN();
    expect(Number(value(body, 'scim_projection_lag_positions'))).toBeNaN();
    expect(value(body, 'scim_projection_position')).toBe('7');
    expect(value(body, 'scim_projection_quarantined_streams')).toBe('1');
    expect(body).not.toContain('scim_relay_');
  });
});
