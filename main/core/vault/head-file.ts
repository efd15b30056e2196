// Rollback detection for the local index (RELIABILITY row 36): after each snapshot
// commits, the highest snapshot id is also written outside the index, to vault/head.json,
// with a MAC under a vault key. If the index is later replaced by an older copy (a
// restored disk image, a file put back by hand), its snapshot counter is lower than the
// head's, and check reports it. The head is written after the commit, so a crash between
// the two can only make the head lag (never a false alarm).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './keys/atomic-file';
import type { VaultContext } from './context';
import { get, sql } from './sql';

function headPath(ctx: VaultContext): string {
  return ctx.layout.head;
}

function mac(ctx: VaultContext, counter: number): string {
  const key = createHmac('sha256', ctx.keys.chunkId).update('keepsake/head/v1').digest();
  return createHmac('sha256', key).update(`${ctx.vaultId}:${counter}`).digest('hex');
}

export function indexCounter(ctx: VaultContext): number {
  return Number(get<{ value: string }>(ctx.db, sql`SELECT value FROM meta WHERE key = 'snapshot_counter'`)?.value ?? 0);
}

/** Records the index's snapshot counter in the head file; a failure only lets the head lag. */
export function writeHead(ctx: VaultContext): void {
  const counter = indexCounter(ctx);
  try {
    writeFileAtomic(headPath(ctx), JSON.stringify({ v: 1, snapshotCounter: counter, mac: mac(ctx, counter) }));
  } catch {
    // disk full or similar: the snapshot itself is committed; the next one rewrites the head
  }
}

/** null when consistent; otherwise a sentence for the check report. */
export function headProblem(ctx: VaultContext): string | null {
  let parsed: { snapshotCounter?: unknown; mac?: unknown };
  try {
    parsed = JSON.parse(readFileSync(headPath(ctx), 'utf8')) as typeof parsed;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null; // no snapshot yet
    return 'The vault head file is unreadable, so a rollback of the index cannot be ruled out.';
  }
  const counter = parsed.snapshotCounter;
  if (typeof counter !== 'number' || typeof parsed.mac !== 'string' || parsed.mac.length !== 64) return 'The vault head file is damaged.';
  if (!timingSafeEqual(Buffer.from(parsed.mac, 'hex'), Buffer.from(mac(ctx, counter), 'hex'))) return 'The vault head file does not belong to this vault or was edited.';
  const have = indexCounter(ctx);
  if (have < counter) {
    return `The index is older than this vault's last snapshot (it knows snapshot ${have}, the vault recorded ${counter}): it was rolled back or replaced by an older copy. Snapshots after ${have} are missing from it.`;
  }
  return null;
}
