// Removing what no manifest needs any more, carefully. [RELIABILITY rules 1–2]
// - Only under the target's lock (remote-lock.ts), so two computers never collect at once.
// - Only after reading the newest manifest and checking it is not a rollback; a target
//   with no manifest is never collected.
// - Only from a complete listing: a listing that fails is an error, and a listing that
//   lacks any object the newest manifest needs is taken as incomplete — nothing is deleted.
// - Only objects older than a safety margin (another computer may be uploading objects
//   its manifest will name in a moment), only names of Keepsake's own shape (64 hex), and
//   never anything the newest or the previous manifest names (the previous copy stays
//   restorable until the next sync replaces it).
// - Every version is deleted where the target keeps versions (CloudTarget.delete).
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import type { Log } from '../../log';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from '../retry';
import type { CloudTarget, ObjectInfo } from '../target';
import { deriveCloudKeys, keySlotObjectNames, wipeCloudKeys } from './cloud-crypto';
import type { CloudStore } from './cloud-store';
import { manifestNames, readCurrentManifests, type Manifest } from './manifest';
import { withRemoteLock } from './remote-lock';
import { writerOf } from './source';

export interface GcOptions {
  targetId: string;
  target: CloudTarget;
  store: CloudStore;
  vaultId: string;
  cloudKey: Buffer;
  /** Objects younger than this are never deleted (default one hour). */
  safetyMarginMs?: number;
  retry?: RetryPolicy;
  now?: () => number;
  signal?: AbortSignal;
  log?: Log;
  /** Lifetime of the target lock (default 30 min; tests use seconds). */
  lockTtlMs?: number;
  /** The vault's write queue for forgetting deleted objects (MirrorSource.afterWrites); default: directly. */
  afterWrites?: <T>(fn: () => T) => Promise<T>;
}

export interface GcReport {
  listed: number;
  referenced: number;
  deleted: number;
  /** Unreferenced but younger than the safety margin. */
  tooYoung: number;
}

export const DEFAULT_SAFETY_MARGIN_MS = 60 * 60 * 1000;

export async function collectGarbage(opts: GcOptions): Promise<GcReport> {
  const policy = opts.retry ?? defaultRetryPolicy;
  const now = opts.now ?? Date.now;
  const margin = opts.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const keys = deriveCloudKeys(Buffer.from(opts.cloudKey));
  const write = writerOf(opts.afterWrites);
  try {
    return await withRemoteLock(opts.target, keys, policy, now, opts.signal, async (lockName, lease) => {
      const remote = await readCurrentManifests(opts.target, keys, opts.vaultId, opts.store.get(opts.targetId).highestCounter, policy, opts.signal);
      if (!remote.newest) return { listed: 0, referenced: 0, deleted: 0, tooYoung: 0 };

      // Two listings that must agree: a page lost or cut short in one read shows up as a
      // difference (a LIST protocol cannot always tell a short last page from the end).
      const listOnce = (): Promise<ObjectInfo[]> =>
        withRetry(() => opts.target.list('', opts.signal), policy, opts.signal).catch((e: unknown) => {
          if (isKeepsakeError(e) && e.code === 'CANCELLED') throw e;
          throw new KeepsakeError('NETWORK', `Clean-up stopped: the target could not be listed (${isKeepsakeError(e) ? e.message : 'unknown failure'}). Nothing was deleted.`, { gcAborted: true });
        });
      const listed = await listOnce();
      const again = await listOnce();
      if (fingerprint(listed) !== fingerprint(again)) {
        throw new KeepsakeError('NETWORK', 'Clean-up stopped: two listings of the target disagreed, so neither can be trusted to be complete. Nothing was deleted.', { gcAborted: true });
      }
      const byName = new Map(listed.map((o) => [o.name, o]));
      const needed = refsOf(remote.newest);
      const missing = needed.filter((r) => byName.get(r.name)?.size !== r.size);
      if (missing.length > 0) {
        throw new KeepsakeError('NETWORK', `Clean-up stopped: the listing lacks ${missing.length} object(s) the newest cloud copy needs, so it is incomplete or the target lost data. Nothing was deleted; run a sync to repair.`, { gcAborted: true, missing: missing.length });
      }
      const keep = new Set<string>([...needed.map((r) => r.name), ...(remote.previous ? refsOf(remote.previous).map((r) => r.name) : []), ...Object.values(manifestNames(keys)), ...keySlotObjectNames(), lockName]);
      const cutoff = now() - margin;
      let deleted = 0;
      let tooYoung = 0;
      const gone: string[] = [];
      await lease.assertHeld();
      for (const o of listed) {
        if (keep.has(o.name) || !/^[0-9a-f]{64}$/.test(o.name)) continue;
        if (o.modifiedAt > cutoff) {
          tooYoung++;
          continue;
        }
        // A pause past the lock's lifetime (row 8) stops the deleting, never the other way round.
        await lease.assertHeld({ reread: false }).catch(async (e: unknown) => {
          await write(() => opts.store.forgetObjects(opts.targetId, gone));
          throw e;
        });
        await withRetry(() => opts.target.delete(o.name, opts.signal), policy, opts.signal);
        gone.push(o.name);
        deleted++;
      }
      await write(() => opts.store.forgetObjects(opts.targetId, gone));
      opts.log?.info('cloud.gc.done', { deleted, tooYoung, listed: listed.length });
      return { listed: listed.length, referenced: keep.size, deleted, tooYoung };
    }, opts.lockTtlMs === undefined ? { mode: 'gc' } : { mode: 'gc', ttlMs: opts.lockTtlMs });
  } finally {
    wipeCloudKeys(keys);
  }
}

function fingerprint(list: ObjectInfo[]): string {
  return list
    .map((o) => `${o.name}:${o.size}`)
    .sort()
    .join(',');
}

function refsOf(m: Manifest): Array<{ name: string; size: number }> {
  return [...m.packs, ...m.index.segments, ...(m.keySlots ? [m.keySlots] : [])];
}
