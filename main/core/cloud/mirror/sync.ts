// One sync of the vault to one target. [Note: Cloud write order]
// 1. Read the target's manifests; refuse a rollback (lower counter than seen here) or
//    another vault's copy. 2. Take a point-in-time image of the index, then list packs
//    (packs are durable before the index commits that references them, so every pack the
//    image needs exists by now). 3. Upload data: new packs as they are (ciphertext).
// 4. Upload the index: only segments whose contents changed. 5. Upload the key-slot file
//    if it changed. 6. Only when every object above is uploaded and verified, publish a
//    new manifest with a higher counter. If anything is missing after the retries, the
//    manifest is not published and the job fails naming what is missing — never success
//    with data missing.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import type { Log } from '../../log';
import type { Db } from '../../vault/sql';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from '../retry';
import type { Digests } from '../hashing';
import type { Body, CloudTarget, ObjectInfo } from '../target';
import { deriveCloudKeys, keySlotObjectNames, objectName, open, sha256, wipeCloudKeys } from './cloud-crypto';
import type { CloudStore } from './cloud-store';
import { snapshotIndex } from './index-snapshot';
import { clearReservedBytes, PAGE_SEGMENT_BYTES, planIndex, segmentMacs } from './index-bundles';
import { listLocalPacks, pool, type LocalPack } from './local-packs';
import { PackDigests } from './pack-digests';
import { acquireRemoteLock, type RemoteLease } from './remote-lock';
import { readCurrentManifests, sealManifest, type Manifest, type ObjectRef } from './manifest';
import { HashPool } from './hash-pool';
import { RecordBatch } from './record-batch';
import { writerOf } from './source';
import { verifiedPut } from './verify-upload';

/** Pack files are read in 1 MiB pieces (not 64 KiB): 16× fewer reads and socket writes per pack. */
const PACK_READ_BYTES = 1024 * 1024;

export interface MirrorSource {
  vaultId: string;
  /** purposeKey(masterKey, 'cloud'); copied, and wiped after use. */
  cloudKey: Buffer;
  /** The open, encrypted index. */
  db: Db;
  packsDir: string;
  keySlotsPath: string;
  /**
   * Runs one of the sync's own index writes (what it verified, counters, health, pack
   * digests) in turn with the vault's other writes (Vault.afterWrites). Without it, a
   * write meeting an import's storage-worker batch would wait in SQLite's busy handler
   * with the event loop frozen for the rest of the batch. Omitted: written directly.
   */
  afterWrites?: <T>(fn: () => T) => Promise<T>;
}

export interface SyncProgress {
  phase: string;
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface SyncOptions {
  targetId: string;
  target: CloudTarget;
  store: CloudStore;
  retry?: RetryPolicy;
  concurrency?: number;
  segmentBytes?: number;
  signal?: AbortSignal;
  progress?: (p: SyncProgress) => void;
  /** Waits while the job is paused; throws when cancelled. */
  checkpoint?: () => Promise<void>;
  log?: Log;
  now?: () => number;
  /** Lifetime of the target lock held during the sync (default 30 min; tests use seconds). */
  lockTtlMs?: number;
}

export interface SyncReport {
  counter: number;
  packs: { total: number; uploaded: number };
  segments: { total: number; uploaded: number };
  keySlotsUploaded: boolean;
  bytesUploaded: number;
  retries: number;
}

interface Job {
  kind: 'pack' | 'segment' | 'key-slots';
  logical: string;
  name: string;
  size: number;
  /** What to send: packs stream from disk, with hashes the hash workers computed first. */
  data: () => Promise<{ body: Body; digests?: Digests }>;
  /** Filled when known before upload (segments, key slots). */
  sha256?: string;
  /** Starts work `data()` will need (a pack's hashes), so it is ready when a slot frees. */
  warm?: () => void;
}

export async function syncToTarget(source: MirrorSource, opts: SyncOptions): Promise<SyncReport> {
  const { target, store, targetId } = opts;
  const write = writerOf(source.afterWrites);
  // First: it may create its table, and nothing needs undoing if that fails.
  const packDigests = await write(() => new PackDigests(source.db));
  const policy = opts.retry ?? defaultRetryPolicy;
  const keys = deriveCloudKeys(Buffer.from(source.cloudKey));
  const signal = opts.signal;
  const checkpoint = opts.checkpoint ?? (async () => undefined);
  let retries = 0;
  let bytesUploaded = 0;
  let lease = null as RemoteLease | null; // set by the lock promise below
  const records = new RecordBatch(store, targetId, { write });
  const hashes = new HashPool();
  let localPacks: LocalPack[] | undefined;
  try {
    const caps = await withRetry(() => target.capabilities(), policy, signal);
    report(opts, 'Reading the cloud copy', 0, 0, 0, 0);
    const record = store.get(targetId);
    const known = store.objects(targetId);
    const hashing = new Map<string, Promise<Digests>>();
    const md5 = caps.serverChecksum; // MD5 only where a server checksum is compared
    const hashOf = (pack: LocalPack): Promise<Digests> => {
      let h = hashing.get(pack.id);
      if (!h) {
        const remembered = packDigests.lookup(pack, md5);
        h = remembered ? Promise.resolve(remembered) : hashes.hash(pack.path, { md5 }).then((d) => (packDigests.remember(pack, d), d));
        h.catch(() => undefined); // observed by the upload that needs it
        hashing.set(pack.id, h);
      }
      return h;
    };
    // The first packs' hashing starts before anything else: the workers are idle during
    // the round trips and the snapshot below. (Hashing a pack that exists is harmless;
    // which packs go up is still decided from the listing taken after the snapshot.)
    const unverified = (ps: LocalPack[]): LocalPack[] => ps.filter((x) => !known.has(objectName(keys, `pack/${x.id}`))).slice(0, opts.concurrency ?? 8);
    const warming = listLocalPacks(source.packsDir).then(
      (ps) => unverified(ps).forEach((p) => void hashOf(p)),
      () => undefined, // the listing below reports it
    );
    // The round trips that do not depend on each other run at once (a sync that changed
    // little is mostly waiting on them). The lock must be ours before the listing is taken
    // (row 8: a clean-up finishing meanwhile could remove what the listing shows), and
    // nothing is uploaded before all of them succeeded.
    const locking = acquireRemoteLock(target, keys, policy, opts.now ?? Date.now, signal, opts.lockTtlMs === undefined ? { mode: 'sync' } : { mode: 'sync', ttlMs: opts.lockTtlMs }).then((l) => (lease = l));
    const listing = locking.then(() => listOrNull(target, policy, signal, opts.log));
    // Point in time first, then the packs (see the Note above); taken while the requests
    // above are out (after one turn of the loop, so they are sent before serialize blocks it).
    const imaging = (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      let erasures = '';
      const image = await snapshotIndex(source.db, signal, () => (erasures = erasureMark(source.db)));
      clearReservedBytes(image);
      // The MACs of every segment, the plan's costly part, while the requests are out.
      const macs = segmentMacs(keys, image, opts.segmentBytes ?? PAGE_SEGMENT_BYTES);
      await warming;
      const packs = await listLocalPacks(source.packsDir);
      localPacks = packs;
      // Packs this target has never verified are sent whatever the listing says: their
      // hashing runs on the workers while the round trips above are out (most started above).
      for (const p of unverified(packs)) void hashOf(p);
      return { image, erasures, macs, packs };
    })();
    const [leased, remote, present, { image, erasures, macs, packs }] = await settleAll([
      locking,
      readCurrentManifests(target, keys, source.vaultId, record.highestCounter, policy, signal),
      listing,
      imaging,
      refuseForeignVault(target, source.vaultId, policy, signal),
      // After the listing: a target may reuse what the listing saw (WebDAV's temporary files).
      listing.then(() => cleanupOrphans(target, opts.log)),
    ] as const);
    if (remote.newest) await write(() => store.noteCounter(targetId, remote.newest!.counter));

    const isThere = (name: string, size: number): boolean => {
      const k = known.get(name);
      if (!k || k.size !== size) return false;
      if (!present) return true; // listing unavailable: trust what we verified before
      const p = present.get(name);
      return p !== undefined && p.size === size;
    };

    const packRefs: Manifest['packs'] = [];
    const jobs: Job[] = [];
    for (const p of packs) {
      const name = objectName(keys, `pack/${p.id}`);
      const k = known.get(name);
      if (k && isThere(name, p.size)) packRefs.push({ id: p.id, name, size: k.size, sha256: k.sha256 });
      else jobs.push({ kind: 'pack', logical: p.id, name, size: p.size, warm: () => void hashOf(p), data: async () => ({ body: () => createReadStream(p.path, { highWaterMark: PACK_READ_BYTES }), digests: await hashOf(p) }) });
    }

    // Data, then index, then key slots: each stage completes (or fails) before the next
    // starts uploading. The index bundles are planned and sealed while the packs go up.
    const packJobs = jobs.filter((j) => j.kind === 'pack');
    let total = packJobs.length;
    let bytesTotal = packJobs.reduce((n, j) => n + j.size, 0);
    let done = 0;
    report(opts, 'Uploading', 0, total, 0, bytesTotal);
    const runStage = (stage: Job['kind'], stageJobs: Job[]): Promise<Array<{ item: Job; error: unknown }>> => {
      const limit = stage === 'key-slots' ? 1 : (opts.concurrency ?? 8);
      let started = 0;
      return pool(stageJobs, limit, async (job) => {
        // The job that will take this slot after the ones in flight: its pack is hashed
        // on the workers while this one uploads, not after (the first ones started early).
        stageJobs[started++ + limit]?.warm?.();
        await checkpoint();
        const { body, digests } = await job.data();
        const up = await verifiedPut(target, caps, job.name, body, policy, signal, () => retries++, digests);
        await records.add({ name: job.name, kind: job.kind, logical: job.logical, size: up.size, sha256: up.sha256 });
        if (job.kind === 'pack') packRefs.push({ id: job.logical, name: job.name, size: up.size, sha256: up.sha256 });
        bytesUploaded += up.size;
        done++;
        report(opts, stage === 'pack' ? 'Uploading packs' : stage === 'segment' ? 'Uploading the index' : 'Uploading the key slots', done, total, bytesUploaded, bytesTotal);
      });
    };
    const packsUp = runStage('pack', packJobs);
    // One turn of the loop first, so the first pack requests are on their way.
    await new Promise<void>((resolve) => setImmediate(resolve));

    const prevIndex = remote.newest?.index ?? null;
    let plan: ReturnType<typeof planIndex>;
    try {
      plan = planIndex(keys, image, {
        ...(opts.segmentBytes !== undefined ? { segmentBytes: opts.segmentBytes } : {}),
        macs,
        previous: prevIndex,
        usable: (ref) => known.get(ref.name)?.sha256 === ref.sha256 && isThere(ref.name, ref.size),
        fresh: prevIndex?.erasures !== erasures,
      });
    } catch (e) {
      await packsUp; // nothing left running unobserved
      throw e;
    } finally {
      image.fill(0);
    }
    const segJobs = plan.uploads.map((b): Job => ({ kind: 'segment', logical: b.ref.mac, name: b.ref.name, size: b.sealed.length, sha256: b.ref.sha256, data: async () => ({ body: b.sealed, digests: b.digests }) }));

    const slotBytes = await readFile(source.keySlotsPath).catch(async (e: unknown) => {
      await packsUp; // nothing left running unobserved
      throw e;
    });
    const slotSha = sha256(slotBytes);
    const slotNames = keySlotObjectNames();
    const slotJobs: Job[] = [];
    for (const name of slotNames) {
      const k = known.get(name);
      if (k && k.sha256 === slotSha && isThere(name, slotBytes.length)) continue;
      slotJobs.push({ kind: 'key-slots', logical: 'key-slots', name, size: slotBytes.length, sha256: slotSha, data: async () => ({ body: slotBytes }) });
    }
    const keySlotsUploaded = slotJobs.length > 0;
    const rest = [...segJobs, ...slotJobs];
    total += rest.length;
    bytesTotal += rest.reduce((n, j) => n + j.size, 0);

    const failures: Array<{ job: Job; error: unknown }> = [];
    const stages: Array<() => Promise<Array<{ item: Job; error: unknown }>>> = [() => packsUp, () => runStage('segment', segJobs), () => runStage('key-slots', slotJobs)];
    for (const stage of stages) {
      const failed = await stage();
      await records.flush();
      for (const f of failed) if (f.item.kind === 'pack') packDigests.forget(f.item.logical);
      for (const f of failed) {
        if (isKeepsakeError(f.error) && f.error.code === 'CANCELLED') throw f.error;
        failures.push({ job: f.item, error: f.error });
      }
      if (failures.length > 0) break;
    }
    if (failures.length > 0) throw missingError(failures, total);

    await checkpoint();
    report(opts, 'Publishing the new cloud copy', done, total, bytesUploaded, bytesTotal);
    const counter = Math.max(remote.newest?.counter ?? 0, store.get(targetId).highestCounter) + 1;
    const manifest: Manifest = {
      format: 'keepsake-cloud-manifest',
      version: 2,
      vaultId: source.vaultId,
      counter,
      createdAt: (opts.now ?? Date.now)(),
      packs: packRefs.sort((a, b) => (a.id < b.id ? -1 : 1)),
      index: { ...plan.index, erasures },
      keySlots: { name: slotNames[0], size: slotBytes.length, sha256: slotSha } satisfies ObjectRef,
    };
    const sealed = sealManifest(keys, manifest);
    await leased.assertHeld();
    await withRetry(
      async () => {
        await target.put(sealed.name, sealed.body, sealed.body.length, signal);
        const back = await target.get(sealed.name, undefined, signal);
        if (!back.equals(sealed.body)) throw new KeepsakeError('CORRUPT', 'The new cloud manifest reads back different from what was sent.', { retryable: true });
        open(keys, 'manifest', `manifest/${counter % 2 === 0 ? 'a' : 'b'}`, back);
      },
      policy,
      signal,
      () => retries++,
    );
    bytesUploaded += sealed.body.length;
    await write(() => {
      store.noteCounter(targetId, counter);
      store.recordSuccess(targetId, bytesUploaded, packRefs.length + plan.index.segments.length + 2);
    });
    report(opts, 'Finished', total, total, bytesUploaded, bytesTotal);
    return { counter, packs: { total: packRefs.length, uploaded: packJobs.length }, segments: { total: plan.segmentsTotal, uploaded: plan.segmentsNew }, keySlotsUploaded, bytesUploaded, retries };
  } catch (e) {
    // What was verified before the failure is remembered, so the next sync skips it.
    try {
      await records.flush();
    } catch {
      // The records are a cache; losing them costs a re-upload, never data.
    }
    const err = isKeepsakeError(e) ? e : new KeepsakeError('INTERNAL', 'The cloud sync stopped because of an internal error.');
    if (err.code !== 'CANCELLED') await write(() => store.recordFailure(targetId, err.message, bytesUploaded));
    opts.log?.warn('cloud.sync.failed', { code: err.code, target: target.kind });
    throw e;
  } finally {
    try {
      await write(() => packDigests.flush(localPacks));
    } catch {
      // A cache: without it the packs are hashed again next time.
    }
    await hashes.close();
    await lease?.release();
    wipeCloudKeys(keys);
  }
}

/**
 * The key-slot objects have fixed names, so a second vault synced to the same place would
 * overwrite the first one's — and with them its only way back. The slot file names its
 * vault in the clear; a different one stops the sync before anything is written.
 */
async function refuseForeignVault(target: CloudTarget, vaultId: string, policy: RetryPolicy, signal?: AbortSignal): Promise<void> {
  // Both copies at once; a failure other than NOT_FOUND stops the sync.
  const bodies = await Promise.all(
    keySlotObjectNames().map((name) =>
      withRetry(() => target.get(name, undefined, signal), policy, signal).catch((e: unknown) => {
        if (isKeepsakeError(e) && e.code === 'NOT_FOUND') return null;
        throw e;
      }),
    ),
  );
  for (const body of bodies) {
    if (!body) continue;
    let other: unknown;
    try {
      other = (JSON.parse(body.toString('utf8')) as { body?: { vaultId?: unknown } }).body?.vaultId;
    } catch {
      other = undefined;
    }
    if (other !== vaultId) {
      throw new KeepsakeError('CONFLICT', `${target.description} already holds another Keepsake vault. Use an empty folder or another prefix for this one; nothing was written.`, { foreignVault: true });
    }
  }
}

/**
 * Awaits every promise, even after one failed (none is left running unobserved), then
 * throws the first failure in order — a cancellation before anything else.
 */
async function settleAll<T extends readonly unknown[]>(ps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const r = await Promise.allSettled(ps);
  const failed = r.filter((x): x is PromiseRejectedResult => x.status === 'rejected').map((x) => x.reason as unknown);
  const first = failed.find((e) => isKeepsakeError(e) && e.code === 'CANCELLED') ?? failed[0];
  if (failed.length > 0) throw first;
  return r.map((x) => (x as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * The vault's erasure mark (how many items were ever erased, and when last). A copy taken
 * after an erasure carries nothing over from older index bundles: their dead pages may
 * hold the erased rows [Note: Index bundles].
 */
function erasureMark(db: Db): string {
  try {
    const r = db.prepare('SELECT count(*) AS n, coalesce(max(erased_at), 0) AS at FROM tombstones').get() as { n: number; at: number };
    return `${r.n}:${r.at}`;
  } catch {
    return '0:0'; // an index without erasure support (tests' bare databases)
  }
}

function report(opts: SyncOptions, phase: string, done: number, total: number, bytesDone: number, bytesTotal: number): void {
  opts.progress?.({ phase, done, total, bytesDone, bytesTotal });
}

async function listOrNull(target: CloudTarget, policy: RetryPolicy, signal: AbortSignal | undefined, log?: Log): Promise<Map<string, ObjectInfo> | null> {
  try {
    const listed = await withRetry(() => target.list('', signal), policy, signal);
    return new Map(listed.map((o) => [o.name, o]));
  } catch (e) {
    if (isKeepsakeError(e) && e.code === 'CANCELLED') throw e;
    // Not "nothing there": without a listing we trust only what we verified ourselves.
    log?.warn('cloud.sync.list-failed', { code: isKeepsakeError(e) ? e.code : 'INTERNAL' });
    return null;
  }
}

async function cleanupOrphans(target: CloudTarget, log?: Log): Promise<void> {
  if (!target.abortOrphanedUploads) return;
  try {
    const n = await target.abortOrphanedUploads(24 * 3600 * 1000);
    if (n > 0) log?.info('cloud.sync.orphans-aborted', { count: n });
  } catch (e) {
    log?.warn('cloud.sync.orphans-failed', { code: isKeepsakeError(e) ? e.code : 'INTERNAL' });
  }
}

function missingError(failures: Array<{ job: Job; error: unknown }>, total: number): KeepsakeError {
  const what = (j: Job): string => (j.kind === 'pack' ? `pack ${j.logical.slice(0, 16)}` : j.kind === 'segment' ? `index segment ${j.logical.slice(0, 12)}` : 'the key-slot file');
  const first = failures[0]?.error;
  const cause = isKeepsakeError(first) ? first.message : 'unknown failure';
  const names = failures.slice(0, 10).map((f) => what(f.job));
  return new KeepsakeError(
    'NETWORK',
    `${failures.length} of ${total} objects could not be uploaded and verified (${names.join(', ')}${failures.length > 10 ? ', …' : ''}). The cloud copy was NOT updated; the previous one is still complete. Last error: ${cause}`,
    { missing: failures.map((f) => ({ kind: f.job.kind, id: f.job.logical })) },
  );
}
