import type { SqlDatabase } from '@app/platform/database/sql-database';

/** An event that could be published neither as it is nor as a withheld notice; ids only, no user values. */
export interface DeadLetter {
  readonly logPosition: number;
  readonly eventId: string;
  /** The CloudEvents type the message would have had. */
  readonly eventType: string;
  /** `<providerId>:<userId>`. */
  readonly key: string;
  /** Why: the broker's error code for the notice, or KAFKA_MAX_MESSAGE_BYTES. */
  readonly reason: string;
  readonly bytes: number;
}

/** Where a relay records what it had to give up on, so that nothing is lost without a trace. */
export interface RelayDeadLetters {
  record(letter: DeadLetter): Promise<void>;
  /** How many are recorded: the figure readiness shows and an alert watches. */
  count(): Promise<number>;
}

/** Dead letters in the relay's database, one row per event (recording one again is a no-op). */
export class SqlRelayDeadLetters implements RelayDeadLetters {
  constructor(
    private readonly db: SqlDatabase,
    private readonly relay: string,
  ) {}

  async record(letter: DeadLetter): Promise<void> {
    await this.db.query(
      `INSERT INTO relay_dead_letters (relay, log_position, event_id, event_type, message_key, reason, bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [this.relay, letter.logPosition, letter.eventId, letter.eventType, letter.key, letter.reason, letter.bytes],
    );
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ count: number | string }>('SELECT count(*) AS count FROM relay_dead_letters WHERE relay = $1', [this.relay]);
    return Number(row?.count ?? 0);
  }
}

/** A replay's dead letters: kept for the run, and logged by the relay like any other. */
export class InMemoryRelayDeadLetters implements RelayDeadLetters {
  readonly letters: DeadLetter[] = [];

  async record(letter: DeadLetter): Promise<void> {
    if (!this.letters.some((l) => l.logPosition === letter.logPosition)) this.letters.push(letter);
  }

  async count(): Promise<number> {
    return this.letters.length;
  }
}
