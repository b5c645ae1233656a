import fc from 'fast-check';
import { progressLine, rebuildExitCode, RebuildJobView, renderRebuild } from './audit-rebuild-commands';

const report = { position: 4242, eventsReplayed: 1234, failedStreams: 0, promoted: false };
const done = (extra: Partial<NonNullable<RebuildJobView['report']>>): RebuildJobView => ({ id: 'j1', state: 'done', report: { ...report, ...extra } });
const difference = { table: 'scim_users', key: { provider_id: 'contoso', user_id: 'u-1' }, kind: 'differs', columns: ['attributes', 'version'] };

describe('audit rebuild: what it prints and its exit code', () => {
  it('says consistent with the events and position when nothing differs: exit 0', () => {
    const job = done({ comparison: { differenceCount: 0, differences: [] } });
    expect(renderRebuild(job)).toBe('consistent: 0 differences after 1234 events at position 4242\n');
    expect(rebuildExitCode(job)).toBe(0);
  });

  it('lists each difference by table, key, kind and columns, then the count: exit 1 (also once promoted)', () => {
    const missing = { table: 'admin_tokens', key: { token_id: 'ghost' }, kind: 'missing-in-rebuilt' };
    const job = done({ comparison: { differenceCount: 3, differences: [difference, missing] }, promoted: true });
    expect(renderRebuild(job).split('\n')).toEqual([
      'TABLE         KEY                              KIND                COLUMNS',
      'scim_users    provider_id=contoso user_id=u-1  differs             attributes,version',
      'admin_tokens  token_id=ghost                   missing-in-rebuilt  -',
      '3 differences (the first 2 listed) after 1234 events at position 4242',
      'promoted: the live read model now equals the rebuilt one',
      '',
    ]);
    expect(rebuildExitCode(job)).toBe(1);
  });

  it('says when it was not compared (exit 0), and why it failed (exit 1)', () => {
    expect(renderRebuild(done({}))).toBe('rebuilt: after 1234 events at position 4242, not compared (add --verify)\n');
    expect(rebuildExitCode(done({}))).toBe(0);
    const failed: RebuildJobView = { id: 'j2', state: 'failed', error: 'abandoned: the server stopped while it ran' };
    expect(renderRebuild(failed)).toBe('Rebuild j2 failed: abandoned: the server stopped while it ran\n');
    expect(rebuildExitCode(failed)).toBe(1);
  });

  it('draws a bar of fixed width for any progress, full once done', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.nat(), (percent, eventsReplayed) => {
        const line = progressLine({ id: 'j', state: 'running', progress: { phase: 'replaying', eventsReplayed, position: 1, headPosition: 2, percent } });
        expect(line).toMatch(/^\[[#.]{30}\] /);
        expect(line).toContain(`${eventsReplayed} events  replaying`);
      }),
    );
    expect(progressLine(done({}))).toBe(`[${'#'.repeat(30)}] 100.0%  1234 events  done`);
  });
});
