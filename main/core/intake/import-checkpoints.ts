// Resume after a crash: each file an import finished is recorded in the vault's
// job_checkpoints table (encrypted with the index) under the import's key, a hash of the
// chosen paths. Rerunning the same import skips recorded files whose size and mtime are
// unchanged and reuses their report; a file cut off mid-way is read again, and the items
// it already stored come back as duplicates (the vault's source-key idempotency), so a
// rerun is always safe. A finished import deletes its checkpoints.
import type { ImportFileReport } from '../../../common/contract/intake';
import type { Vault } from '../vault/vault';
import { all, run, sql } from '../vault/sql';
import { hashKey } from './records/util';

const KIND = 'import';

export interface FileCheckpoint {
  size: number;
  mtimeMs: number;
  report: ImportFileReport;
  refusals: Array<{ path: string; position: string; reason: string }>;
}

export function importKey(paths: string[]): string {
  return hashKey('import', [...paths].sort());
}

export function loadCheckpoints(vault: Vault, key: string): Map<string, FileCheckpoint> {
  const rows = all<{ key: string; state: string }>(vault.indexDb, sql`SELECT key, state FROM job_checkpoints WHERE kind = ${KIND} AND substr(key, 1, ${key.length + 1}) = ${`${key}|`}`);
  const out = new Map<string, FileCheckpoint>();
  for (const r of rows) {
    try {
      out.set(r.key.slice(key.length + 1), JSON.parse(r.state) as FileCheckpoint);
    } catch {
      // A damaged checkpoint only means that file is read again.
    }
  }
  return out;
}

export function saveCheckpoint(vault: Vault, key: string, path: string, cp: FileCheckpoint, now: number): void {
  run(vault.indexDb, sql`INSERT OR REPLACE INTO job_checkpoints (kind, key, state, updated_at) VALUES (${KIND}, ${`${key}|${path}`}, ${JSON.stringify(cp)}, ${now})`);
}

export function clearCheckpoints(vault: Vault, key: string): void {
  run(vault.indexDb, sql`DELETE FROM job_checkpoints WHERE kind = ${KIND} AND substr(key, 1, ${key.length + 1}) = ${`${key}|`}`);
}
