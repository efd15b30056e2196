// Reports that never finished: a privacy report is written in a hidden temporary folder
// (".Keepsake data <date>.keepsake-tmp") that is registered as an export location while
// it runs. If the app is killed mid-run, that folder stays on disk with plaintext copies
// and the location stays on the data map. Before a report or an erase starts, every such
// leftover that no running report owns is deleted and forgotten, so an erase never calls
// a folder "erased" while plaintext of the item still sits in a leftover beside it.
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { TMP_SUFFIX } from '../recovery/atomic';
import { all, sql, type Db } from '../vault/sql';
import { forgetTemporary } from './register';

/** Temporary folders of reports running now, per vault index (never swept). */
const running = new WeakMap<Db, Set<string>>();

export function markRunning(db: Db, tmp: string): () => void {
  const set = running.get(db) ?? new Set<string>();
  running.set(db, set);
  set.add(tmp);
  return () => set.delete(tmp);
}

/** Only a report's own temporary name is ever removed this way, never another folder. */
export function isReportTemporary(ref: string): boolean {
  const name = basename(ref);
  return name.startsWith('.Keepsake data ') && name.endsWith(TMP_SUFFIX);
}

/** Deletes every abandoned report temporary (folder and records); returns the folders removed. */
export function removeAbandonedReports(db: Db): string[] {
  const live = running.get(db) ?? new Set<string>();
  const removed: string[] = [];
  for (const { ref } of all<{ ref: string }>(db, sql`SELECT ref FROM locations WHERE kind = 'export'`)) {
    if (!isReportTemporary(ref) || live.has(ref)) continue;
    // A folder whose parent is missing may be on a drive that is not connected: it stays
    // on the data map (an erase names it as pending) until it can be deleted.
    if (!existsSync(dirname(ref))) continue;
    try {
      rmSync(ref, { recursive: true, force: true });
    } catch {
      continue; // still there: it stays on the data map, and the next start tries again
    }
    if (existsSync(ref)) continue;
    forgetTemporary(db, ref);
    removed.push(ref);
  }
  return removed;
}
