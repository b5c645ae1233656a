import type { SqlExecutor } from '@app/platform/database/sql-database';

// One row for the whole read model: projectors in every process (API, worker, re-projection) share it.
const CHECKPOINT = 'read-model';

export async function createCheckpoint(db: SqlExecutor): Promise<void> {
  await db.query('INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT DO NOTHING', [CHECKPOINT]);
}

/** The log position the read model covers. */
export async function readCheckpoint(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ position: number }>('SELECT position FROM projection_checkpoints WHERE name = $1', [CHECKPOINT]);
  return Number(row?.position ?? 0);
}

/** Reads the checkpoint and locks it until the transaction ends: one writer of the read model at a time. */
export async function lockCheckpoint(tx: SqlExecutor): Promise<number> {
  const [row] = await tx.query<{ position: number }>('SELECT position FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [CHECKPOINT]);
  return Number(row.position);
}

export async function moveCheckpoint(tx: SqlExecutor, position: number): Promise<void> {
  await tx.query('UPDATE projection_checkpoints SET position = $2 WHERE name = $1', [CHECKPOINT, position]);
}
