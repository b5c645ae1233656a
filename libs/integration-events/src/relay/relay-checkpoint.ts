import type { SqlDatabase } from '@app/platform/database/sql-database';
import { randomUUID } from 'node:crypto';

/** Where a relay stands in the global log; it moves only after the broker acknowledged. */
export interface RelayCheckpoint {
  /** Takes or renews the right to publish; false while another process holds it. */
  acquire(): Promise<boolean>;
  /** Extends the lease for a full term now (before a send); throws when it was lost. */
  renew(): Promise<void>;
  /** Gives the lease up now (a clean stop), so the next process need not wait for it to run out. */
  release(): Promise<void>;
  load(): Promise<number>;
  save(position: number): Promise<void>;
}

/**
 * Longer than the publisher's worst-case send (3 tries of a 5 s request, plus connecting), so a lease
 * never lapses mid-send; short enough that a crashed holder's successor takes over within 30 s.
 */
const LEASE_SECONDS = 30;
const RENEW_AFTER_MS = 10_000;

/**
 * A checkpoint row with a lease, so that two workers on one database never publish at once (which
 * would interleave and reorder): the one holding the lease publishes, the other waits.
 */
export class SqlRelayCheckpoint implements RelayCheckpoint {
  private readonly owner = randomUUID();
  /** Renew well before the lease runs out, not on every idle poll. */
  private heldUntil = 0;

  constructor(
    private readonly db: SqlDatabase,
    private readonly name: string,
  ) {}

  async acquire(): Promise<boolean> {
    if (Date.now() < this.heldUntil) return true;
    await this.db.query('INSERT INTO relay_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT DO NOTHING', [this.name]);
    const rows = await this.db.query(
      `UPDATE relay_checkpoints SET owner = $2, lease_until = now() + make_interval(secs => $3)
       WHERE name = $1 AND (owner IS NULL OR owner = $2 OR lease_until < now()) RETURNING name`,
      [this.name, this.owner, LEASE_SECONDS],
    );
    this.heldUntil = rows.length > 0 ? Date.now() + RENEW_AFTER_MS : 0;
    return rows.length > 0;
  }

  async renew(): Promise<void> {
    this.heldUntil = 0;
    if (!(await this.acquire())) throw new Error(`Relay lease on "${this.name}" is held by another process`);
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.db.query('UPDATE relay_checkpoints SET owner = NULL, lease_until = now() WHERE name = $1 AND owner = $2', [this.name, this.owner]);
  }

  async load(): Promise<number> {
    const [row] = await this.db.query<{ position: number }>('SELECT position FROM relay_checkpoints WHERE name = $1', [this.name]);
    return Number(row?.position ?? 0);
  }

  async save(position: number): Promise<void> {
    const rows = await this.db.query(
      `UPDATE relay_checkpoints SET position = GREATEST(position, $3), updated_at = now()
       WHERE name = $1 AND owner = $2 RETURNING name`,
      [this.name, this.owner, position],
    );
    if (rows.length === 0) {
      this.heldUntil = 0;
      throw new Error(`Relay lease on "${this.name}" was lost to another process`);
    }
  }
}

/** A replay's checkpoint: starts where asked and is forgotten when the replay ends. */
export class InMemoryRelayCheckpoint implements RelayCheckpoint {
  constructor(private position: number) {}

  async acquire(): Promise<boolean> {
    return true;
  }

  async renew(): Promise<void> {}

  async release(): Promise<void> {}

  async load(): Promise<number> {
    return this.position;
  }

  async save(position: number): Promise<void> {
    this.position = position;
  }
}
