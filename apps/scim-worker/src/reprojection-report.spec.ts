import { describeResult } from './reprojection-report';

describe('describeResult', () => {
  const streamId = 'user-tenant-a-5b0c7a8e-0000-4000-8000-000000000001';

  it.each([
    [
      { streamId, outcome: 'quarantined' as const, stream: { streamId, failedPosition: 7, eventType: 'UserProvisioned', errorClass: 'program_limit_exceeded', errorCode: '54000', recordedAt: '2026-01-01T00:00:00.000Z', heldEvents: 2 } },
      `${streamId}: quarantined since log position 7 (UserProvisioned, program_limit_exceeded 54000), later events held: 2`,
    ],
    [{ streamId, outcome: 'reprojected' as const, events: 3 }, `${streamId}: re-projected (events: 3), quarantine lifted`],
    [{ streamId, outcome: 'already-released' as const }, `${streamId}: no longer quarantined (released by another run)`],
    [
      { streamId, outcome: 'still-failing' as const, position: 9, eventType: 'AttributesPatched', errorClass: 'data_exception', errorCode: '22001' },
      `${streamId}: still fails at log position 9 (AttributesPatched, data_exception 22001), left quarantined`,
    ],
  ])('prints one line per stream with ids and positions only (%#)', (result, line) => {
    expect(describeResult(result)).toBe(line);
  });
});
