import type { EventStore, RecordedEvent } from '@app/event-store/event-store.port';
import { IDENTITY_PROVIDER_EVENT_TYPES } from '@app/identity/identity-provider/identity-provider.events';
import { USER_EVENT_TYPES } from '@app/identity/user/user.events';
import type { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { ScimError } from '@app/scim/errors/scim-error';
import type { Logger } from 'pino';
import { projectIdentityProviderEvent } from './identity-provider.projection';
import { projectUserEvent } from './scim-user.projection';

const CHECKPOINT = 'read-model';
const BATCH = 500;
const userTypes = new Set<string>(USER_EVENT_TYPES);
const providerTypes = new Set<string>(IDENTITY_PROVIDER_EVENT_TYPES);

/**
 * Builds the read model from the global log. The checkpoint moves in the same transaction as the
 * rows it covers (exactly-once effect), under a row lock, so any number of processes may run it.
 */
export class ReadModelProjector {
  private projected = 0;
  private running: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly events: EventStore,
    private readonly logger: Logger,
  ) {}

  async init(): Promise<void> {
    await this.db.query('INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT DO NOTHING', [CHECKPOINT]);
  }

  /** Projects everything in the log now; concurrent callers in this process share one run. */
  catchUp(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Read-your-writes: resolves once the event at `position` is in the read model. */
  async waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.projected < position) {
      if (Date.now() > deadline) {
        throw new ScimError(503, `The change is stored, but the read model did not reach it within ${timeoutMs} ms; read it again shortly`);
      }
      await (this.running ?? this.catchUp());
    }
  }

  /** Polls for events written by other processes (the CLI, other API instances). */
  start(intervalMs = 500): void {
    this.timer = setInterval(() => {
      this.catchUp().catch((error) => this.logger.error({ err: error }, 'read-model projection failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async drain(): Promise<number> {
    for (;;) {
      // Read outside the transaction: embedded PGlite has one connection, held by an open transaction.
      const batch = await this.events.readAll(this.projected, BATCH);
      if (batch.length === 0) {
        const [row] = await this.db.query<{ position: number }>('SELECT position FROM projection_checkpoints WHERE name = $1', [CHECKPOINT]);
        if (Number(row?.position ?? 0) <= this.projected) return this.projected;
        this.projected = Number(row.position);
        continue;
      }
      this.projected = await this.db.transaction((tx) => this.apply(tx, batch));
    }
  }

  private async apply(tx: SqlExecutor, batch: readonly RecordedEvent[]): Promise<number> {
    const [row] = await tx.query<{ position: number }>('SELECT position FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [CHECKPOINT]);
    let position = Number(row.position);
    for (const event of batch) {
      if (event.position <= position) continue;
      if (userTypes.has(event.type)) await projectUserEvent(tx, event);
      else if (providerTypes.has(event.type)) await projectIdentityProviderEvent(tx, event);
      position = event.position;
    }
    await tx.query('UPDATE projection_checkpoints SET position = $2 WHERE name = $1', [CHECKPOINT, position]);
    return position;
  }
}
