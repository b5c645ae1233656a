/** Where a rebuild stands, as its job reports it. */
export interface RebuildProgress {
  readonly phase: 'preparing' | 'replaying' | 'comparing' | 'promoting';
  /** Events of the log read and applied to the rebuilt model (events nothing projects included). */
  readonly eventsReplayed: number;
  /** The log position the rebuilt model has reached. */
  readonly position: number;
  /** The position of the log's first event and the read model's position when the rebuild started. */
  readonly firstPosition: number;
  readonly headPosition: number;
}

/**
 * How far the replay is, 0-100, by log position between the first event and the head at the start.
 * Positions grow with time, not one by one (PostgreSQL's come from transaction ids), so this tracks
 * the share of the log's time span replayed: an estimate, never past 100.
 */
export function percentReplayed(progress: Pick<RebuildProgress, 'position' | 'firstPosition' | 'headPosition'>): number {
  const { position, firstPosition, headPosition } = progress;
  if (headPosition <= firstPosition) return position >= headPosition ? 100 : 0;
  const share = (position - firstPosition) / (headPosition - firstPosition);
  return Math.round(Math.min(Math.max(share, 0), 1) * 1000) / 10;
}
