// The report becomes a Keepsake-written export, like a recovery bundle: a location of kind
// 'export' on the data map holding a copy of every item, and its files recorded with the
// category they hold (recovery_files) so that erasing an item deletes the files that held
// it (erasure/export-participant.ts). The recovery writer registered its part under the
// temporary folder; here the report takes it over under the final path, in the same
// transaction as the rename into place — if the rename fails, nothing is recorded.
import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import type { RecoveryReport } from '../../../common/contract/recovery';
import { KeepsakeError } from '../../../common/errors';
import { get, run, sql, type Db } from '../vault/sql';
import type { Destination } from './destination';
import type { WrittenFile } from './item-files';

/** Files that hold no item (the README, Privacy/…) are not recorded: erasure never needs them. */
const NOT_ITEMS = new Set(['privacy', 'readme']);

export function locationName(final: string): string {
  return `Privacy report ${final}`;
}

export function registerAndMove(db: Db, dest: Destination, recoveryId: string, files: WrittenFile[], itemIds: string[], now: number): number {
  const tx = db.transaction((): number => {
    // A location left by an earlier report at this path (its folder was deleted by hand).
    run(db, sql`DELETE FROM locations WHERE kind = 'export' AND ref = ${dest.final}`);
    run(db, sql`DELETE FROM recovery_files WHERE recovery_key = ${dest.final}`);
    const moved = run(db, sql`UPDATE locations SET ref = ${dest.final}, name = ${locationName(dest.final)} WHERE kind = 'export' AND ref = ${dest.tmp}`).changes;
    if (!moved) run(db, sql`INSERT INTO locations (kind, name, ref, created_at) VALUES ('export', ${locationName(dest.final)}, ${dest.final}, ${now})`);
    const loc = get<{ id: number }>(db, sql`SELECT id FROM locations WHERE kind = 'export' AND ref = ${dest.final}`)!.id;
    run(db, sql`DELETE FROM recovery_files WHERE recovery_key = ${dest.tmp}`);
    for (const f of files) {
      if (NOT_ITEMS.has(f.category)) continue;
      run(db, sql`INSERT OR REPLACE INTO recovery_files (recovery_key, path, category, sha256, size) VALUES (${dest.final}, ${f.path}, ${f.category}, ${f.sha256}, ${f.size})`);
    }
    for (const id of itemIds) {
      if (!get(db, sql`SELECT 1 AS x FROM items WHERE id = ${id}`)) throw erasedMeanwhile();
      run(db, sql`INSERT INTO copies (item_id, location_id, state, since, last_verified, encryption) VALUES (${id}, ${loc}, 'present', ${now}, ${now}, 'none') ON CONFLICT (item_id, location_id) DO UPDATE SET state = 'present', last_verified = excluded.last_verified`);
    }
    const rec = get<{ report: string }>(db, sql`SELECT report FROM recoveries WHERE id = ${recoveryId}`);
    if (rec) {
      const r = JSON.parse(rec.report) as RecoveryReport;
      r.target = { kind: 'bundle', dir: dest.final };
      run(db, sql`UPDATE recoveries SET report = ${JSON.stringify(r)}, location_id = ${loc} WHERE id = ${recoveryId}`);
    }
    renameSync(dest.tmp, dest.final);
    return loc;
  });
  const loc = tx();
  try {
    const fd = openSync(dest.parent, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a folder; the rename itself is atomic.
  }
  return loc;
}

/** An item erased while the report ran may be in its files: such a report is never kept. */
export function erasedMeanwhile(): KeepsakeError {
  return new KeepsakeError('CONFLICT', 'Something was erased while your data was being written; nothing was kept, so no copy of it is left. Run it again for an up-to-date copy.');
}

/** Throws if any of the report's items is no longer in the vault. */
export function checkNoneErased(db: Db, itemIds: string[]): void {
  for (const id of itemIds) if (!get(db, sql`SELECT 1 AS x FROM items WHERE id = ${id}`)) throw erasedMeanwhile();
}

/** After a failed or cancelled run: forget what the recovery writer recorded for the temporary folder. */
export function forgetTemporary(db: Db, tmp: string): void {
  db.transaction(() => {
    run(db, sql`DELETE FROM locations WHERE kind = 'export' AND ref = ${tmp}`);
    run(db, sql`DELETE FROM recovery_files WHERE recovery_key = ${tmp}`);
  })();
}
