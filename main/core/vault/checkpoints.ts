// Job checkpoints: a long job (an import, a phone backup) records where it got to, inside
// the same transaction as the work it checkpoints where it can, so after a crash it
// resumes instead of starting over. State is small JSON owned by the job.
import type { VaultContext } from './context';
import { get, run, sql } from './sql';

export function loadCheckpoint<T>(ctx: VaultContext, kind: string, key: string): T | null {
  const row = get<{ state: string }>(ctx.db, sql`SELECT state FROM job_checkpoints WHERE kind = ${kind} AND key = ${key}`);
  return row ? (JSON.parse(row.state) as T) : null;
}

export function saveCheckpoint(ctx: VaultContext, kind: string, key: string, state: unknown): void {
  run(
    ctx.db,
    sql`INSERT INTO job_checkpoints (kind, key, state, updated_at) VALUES (${kind}, ${key}, ${JSON.stringify(state)}, ${ctx.now()})
        ON CONFLICT (kind, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  );
}

export function clearCheckpoint(ctx: VaultContext, kind: string, key: string): void {
  run(ctx.db, sql`DELETE FROM job_checkpoints WHERE kind = ${kind} AND key = ${key}`);
}
