// Sync protocol v1, the desktop's side, independent of HTTP: manifest answers, resumable
// range uploads into encrypted staging, commits that acknowledge only what the vault
// reports durable, location reports gated by consent, and restore offers.
// [Note: Ack only after durability] An item id appears with an acknowledging status in a
// commit response only after IngestSink.putItems resolved for it, so a crash at any point
// leaves the phone holding every item the desktop has not durably stored.
// [Note: Acks in the vault's transaction] device_items (the desktop's own ack record) is
// written inside the vault transaction that stores the items (IngestSink's onDurable,
// Vault.putItems' inCommit): both commit with one fsync, or neither does — an ack row can
// never point at an item that was rolled back. A batch with an export writes it just
// after its records, in its own transaction, as before.
import { createHash, type Hash } from 'node:crypto';
import { Readable, finished } from 'node:stream';
import { KeepsakeError } from '../../../common/errors';
import type { Log } from '../log';
import { freeNow } from '../vault/seal-pool';
import type { ConsentGate } from './consent';
import { HashWorker } from './hash-worker';
import { HeldMemory } from './held-memory';
import { HeldUploads } from './held-uploads';
import type { PairedDevice, PairingsStore } from './pairings-store';
import type { IngestFile, IngestItem, IngestResult, IngestSink } from './sink';
import type { UploadStaging } from './staging';
import type { SyncStore, UploadRow } from './sync-store';
import { ACKED, type CommitResponse, type ErasureAckRequest, type ErasureAckResponse, type ErasuresResponse, type LocationRequest, type LocationResponse, type ManifestRequest, type ManifestResponse, type RestoreOffer, type UploadStatus } from './wire';

/** Erasure notices for phones (main/core/erasure/phone-notices.ts). */
export interface ErasureNotices {
  pendingFor(deviceId: string): ErasuresResponse['erasures'];
  ack(deviceId: string, req: ErasureAckRequest): ErasureAckResponse;
}

export interface SyncDeps {
  pairings: PairingsStore;
  sync: SyncStore;
  staging: UploadStaging;
  sink: IngestSink;
  consent: ConsentGate;
  now: () => number;
  log: Log;
  erasures?: ErasureNotices;
  /** Memory for whole files waiting for their commit (default 64 MiB; 0 stages everything on disk). */
  heldBytes?: number;
}

/** Disk staging writes at least this much at a time (TLS hands the body over in 16 KiB pieces). */
const STAGING_WRITE_BYTES = 1 << 20;

/** SHA-256 of no bytes: an empty file is committed without any range (and without staging). */
const EMPTY_SHA256 = createHash('sha256').digest('hex');

const MIME_BY_EXT: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', heic: 'image/heic', gif: 'image/gif', webp: 'image/webp',
  mp4: 'video/mp4', mov: 'video/quicktime', '3gp': 'video/3gpp', xml: 'application/xml', vcf: 'text/vcard',
  ics: 'text/calendar', txt: 'text/plain', md: 'text/markdown', json: 'application/json',
};

function mimeFor(name: string, declared: string | undefined): string {
  if (declared && /^[a-z]+\/[a-z0-9.+-]+$/i.test(declared)) return declared;
  return MIME_BY_EXT[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

export class SyncService {
  /** Serialises commits per device, so one item is never stored twice concurrently. */
  private readonly commitChains = new Map<string, Promise<unknown>>();
  private readonly writing = new Set<string>();
  /**
   * SHA-256 computed while bytes arrive, valid while it covers exactly [0, upTo); saves
   * reading the staged file again at commit. After a restart it is missing and the commit
   * re-reads the staged file instead.
   */
  private readonly running = new Map<string, { hash: Hash; upTo: number }>();
  /**
   * Staging files known complete in this process but not yet written to the index: a
   * range that finishes a file skips the index write (one fsync per file saved). Keyed by
   * staging name, so a replaced upload never inherits it. After a restart the index value
   * stands and the device re-sends the tail — never less safe, sometimes slower.
   */
  private readonly completeInMemory = new Map<string, number>();
  /** Whole files waiting in memory for their commit, keyed by staging name [Note: Held uploads]. */
  private readonly held: HeldUploads;
  /** Shared memory that held files are received into, reused from file to file [Note: Held memory pool]. */
  private readonly memory: HeldMemory;
  /** SHA-256 of held files, computed on a worker as each completes [Note: Hash worker]; keyed by staging name. */
  private readonly hasher = new HashWorker();
  private readonly digests = new Map<string, Promise<string>>();

  constructor(private readonly d: SyncDeps) {
    const budget = d.heldBytes ?? 64 * 1024 * 1024;
    this.memory = new HeldMemory(budget);
    this.held = new HeldUploads(
      budget,
      (name, data) => {
        const w = d.staging.writer(name, 0);
        try {
          w.write(data);
        } finally {
          w.close();
        }
      },
      (data) => this.memory.give(data),
    );
  }

  /** Uploaded files held in memory until their commit: bytes now, files spilled to disk so far, buffers reused. */
  get heldStats(): { bytes: number; spilled: number; reused: number } {
    return { bytes: this.held.bytes, spilled: this.held.spilled, reused: this.memory.reused };
  }

  /** Starts the hash worker now (the gateway is starting), so the first upload does not wait for it. */
  warmUp(): void {
    this.hasher.warm();
  }

  /** Forgets a staged or held upload's bytes (replaced, removed, damaged or stored). */
  private forget(staging: string): void {
    this.completeInMemory.delete(staging);
    this.digests.delete(staging);
    this.held.drop(staging);
    this.d.staging.remove(staging);
  }

  /** Drops everything held in memory (the service is closing). */
  releaseHeld(): void {
    this.held.clear();
    this.memory.clear();
    this.digests.clear();
    this.hasher.close();
  }

  /** Removes staged files that no upload refers to; run once when the service starts. */
  sweepStaging(): number {
    return this.d.staging.sweep(this.d.sync.liveStaging());
  }

  /** Uploads whose bytes are still being written (a cut connection settles to 0). */
  get uploadsInFlight(): number {
    return this.writing.size;
  }

  /** Why this device may not sync now, or null. */
  blockedReason(device: PairedDevice): string | null {
    if (!device.child) return null;
    const c = this.d.consent.check({ deviceId: device.id, purpose: 'child-sync', now: this.d.now() });
    return c.allowed ? null : `This is a child's device: it syncs nothing until a guardian's consent is recorded (${c.reason}).`;
  }

  private assertNotBlocked(device: PairedDevice): void {
    const reason = this.blockedReason(device);
    if (reason) throw new KeepsakeError('FORBIDDEN', reason);
  }

  async manifest(device: PairedDevice, req: ManifestRequest): Promise<ManifestResponse> {
    const blocked = this.blockedReason(device);
    if (blocked) return { need: [], have: [], tombstoned: [], removed: 'kept', blocked };
    const now = this.d.now();
    const allowed = device.syncCategories.length ? new Set(device.syncCategories) : null;
    const candidates = req.items.filter((e) => !allowed || allowed.has(e.category));
    const out: ManifestResponse = { need: [], have: [], tombstoned: [], removed: 'kept', blocked: null };
    const replaced: string[] = [];
    // Read and decide in the same turn as the writes, so a commit for this phone between
    // them cannot make the answer stale.
    await this.turn(() => this.d.sync.tx(() => {
      const acked = new Map(candidates.map((e) => [e.id, this.d.sync.acked(device.id, e.id)]));
      const vaultIds = [...acked.values()].map((a) => a?.vaultItemId).filter((x): x is string => !!x);
      const erased = vaultIds.length ? this.d.sink.missing(vaultIds) : new Set<string>();
      for (const e of candidates) {
        const a = acked.get(e.id);
        const same = a && a.hash === e.hash;
        if (same && (a.state === 'tombstoned' || (a.vaultItemId !== null && erased.has(a.vaultItemId)))) {
          out.tombstoned.push(e.id);
        } else if (same && a.removedAt === null) {
          out.have.push(e.id);
        } else {
          const { row, replacedStaging } = this.d.sync.planUpload(
            { deviceId: device.id, itemId: e.id, hash: e.hash, size: e.size, category: e.category, name: e.name, mime: mimeFor(e.name, e.mime), modified: e.modified, staging: this.d.staging.newName() },
            now,
          );
          if (replacedStaging) replaced.push(replacedStaging);
          out.need.push({ id: e.id, offset: this.withOverlay(row).received });
        }
      }
    }));
    for (const name of replaced) this.forget(name);
    if (req.removed.length) {
      // An upload the phone will never finish: drop its staged bytes.
      const dropped: string[] = [];
      const vaultIds = await this.turn(() => this.d.sync.tx(() => {
        for (const id of req.removed) {
          const up = this.d.sync.upload(device.id, id);
          if (up) {
            this.d.sync.dropUpload(device.id, id);
            dropped.push(up.staging);
          }
        }
        return this.d.sync.markRemoved(device.id, req.removed, now).filter((x): x is string => x !== null);
      }));
      for (const name of dropped) this.forget(name);
      if (device.deleteFollowsPhone) {
        if (vaultIds.length) await this.d.sink.eraseForDevice(device.id, vaultIds);
        out.removed = 'erased';
      }
    }
    await this.turn(() => this.d.pairings.touchSync(device.id, now));
    return out;
  }

  /** Erasures this phone has not acknowledged yet (docs/protocol.md §3.6). */
  erasureNotices(device: PairedDevice): ErasuresResponse {
    return { erasures: this.d.erasures?.pendingFor(device.id) ?? [] };
  }

  /** The phone applied an erasure notice: the receipt gets its new revision. */
  async erasureAck(device: PairedDevice, req: ErasureAckRequest): Promise<ErasureAckResponse> {
    const erasures = this.d.erasures;
    if (!erasures) throw new KeepsakeError('NOT_FOUND', 'This phone has no erasure notice with that receipt.');
    const r = await this.turn(() => erasures.ack(device.id, req));
    this.d.log.info('devices.erasure-acked', { device: device.id, outcome: r.outcome });
    return r;
  }

  private withOverlay(row: UploadRow): UploadRow {
    const mem = this.completeInMemory.get(row.staging);
    return mem !== undefined && mem > row.received ? { ...row, received: mem } : row;
  }

  private loadUpload(deviceId: string, itemId: string): UploadRow | null {
    const row = this.d.sync.upload(deviceId, itemId);
    return row ? this.withOverlay(row) : null;
  }

  private uploadRow(device: PairedDevice, itemId: string): UploadRow {
    const row = this.loadUpload(device.id, itemId);
    if (!row) throw new KeepsakeError('NOT_FOUND', 'The desktop is not expecting this item: offer it in a manifest first.');
    return row;
  }

  status(device: PairedDevice, itemId: string): UploadStatus {
    const row = this.uploadRow(device, itemId);
    return { id: itemId, received: row.received, size: row.size };
  }

  /**
   * Receives bytes [start, start+length) of an item. Overlap with what is already held is
   * skipped; a gap is refused with the offset to resume from. Whatever arrives before a
   * cut connection is kept and counted.
   */
  async receiveRange(device: PairedDevice, itemId: string, range: { start: number; length: number; total: number }, body: AsyncIterable<Buffer>): Promise<UploadStatus> {
    this.assertNotBlocked(device);
    const row = this.uploadRow(device, itemId);
    if (range.total !== row.size) throw new KeepsakeError('BAD_INPUT', `The range says the file is ${range.total} bytes but the manifest said ${row.size}.`);
    if (range.start + range.length > row.size) throw new KeepsakeError('BAD_INPUT', 'The range goes past the end of the file.');
    if (range.start > row.received) {
      throw new KeepsakeError('CONFLICT', `The desktop holds ${row.received} bytes of this item; resume from there.`, { received: row.received });
    }
    const key = `${device.id}\0${itemId}`;
    if (this.writing.has(key)) throw new KeepsakeError('CONFLICT', 'This item is already being uploaded on another connection.');
    this.writing.add(key);
    try {
      return await this.receiveInto(device, row, key, range, body);
    } finally {
      this.writing.delete(key);
    }
  }

  private async receiveInto(device: PairedDevice, row: UploadRow, key: string, range: { start: number; length: number }, body: AsyncIterable<Buffer>): Promise<UploadStatus> {
    let skip = row.received - range.start;
    // A file arriving whole in one range waits in memory for its commit [Note: Held uploads].
    const inMemory = row.received === 0 && range.start === 0 && range.length === row.size && this.held.reserve(row.size);
    const sink = inMemory ? new MemoryRange(row.size, this.memory) : new DiskRange(this.d.staging.writer(row.staging, row.received));
    // A held file is hashed whole on the worker once complete; a range staged on disk is
    // hashed here as it arrives (a cut held range is re-read from staging at its commit).
    if (row.received === 0 && !inMemory) {
      if (this.running.size > 10_000) this.running.clear();
      this.running.set(key, { hash: createHash('sha256'), upTo: 0 });
    }
    const run = inMemory ? undefined : this.running.get(key);
    const hashing = run && run.upTo === row.received ? run : null;
    if (!hashing) this.running.delete(key);
    let seen = 0;
    let hashed = 0;
    let failure: unknown = null;
    try {
      await eachChunk(body, (chunk) => {
        seen += chunk.length;
        if (seen > range.length) throw new KeepsakeError('BAD_INPUT', 'The upload sent more bytes than its range declared.');
        let part = chunk;
        if (skip > 0) {
          const drop = Math.min(skip, part.length);
          part = part.subarray(drop);
          skip -= drop;
        }
        if (part.length) {
          hashing?.hash.update(part);
          hashed += part.length;
          sink.write(part);
        }
        // Copied into held memory: the record's own buffer is let go now [Note: Records freed at once].
        if (inMemory) freeRecord(chunk);
      });
    } catch (e) {
      failure = e;
    }
    // Settle what arrived: a whole held file stays in memory; anything else (a disk range,
    // or the bytes of a cut in-memory range) lands in disk staging so it still counts.
    let landed = 0;
    try {
      if (sink instanceof MemoryRange && sink.bytes === row.size) {
        this.held.keep(row.staging, sink.data);
        // The worker reads the bytes in place: their memory is not reused until it is done.
        const read = this.held.lend(row.staging);
        const digest = this.hasher.digest(sink.data);
        void digest.then(read);
        this.digests.set(row.staging, digest);
        landed = row.size;
      } else {
        if (inMemory) this.held.unreserve(row.size);
        const settled = sink instanceof MemoryRange ? sink.settle(() => this.d.staging.writer(row.staging, 0)) : sink.settle();
        landed = settled.landed;
        failure ??= settled.error;
      }
    } catch (e) {
      failure ??= e;
    }
    // The running hash covers every byte that arrived; it stays usable only if all of
    // them landed (a failed staging write leaves fewer on disk than were hashed).
    if (hashing && landed === hashed) hashing.upTo = row.received + landed;
    else if (hashing) this.running.delete(key);
    const total = row.received + landed;
    if (total === row.size && landed > 0) this.completeInMemory.set(row.staging, total);
    else if (landed > 0) await this.turn(() => this.d.sync.setReceived(device.id, row.itemId, total, this.d.now()));
    if (failure) throw failure;
    return { id: row.itemId, received: total, size: row.size };
  }

  async commit(device: PairedDevice, ids: string[]): Promise<CommitResponse> {
    this.assertNotBlocked(device);
    const prev = this.commitChains.get(device.id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.commitNow(device, [...new Set(ids)]));
    this.commitChains.set(device.id, next);
    try {
      return await next;
    } finally {
      if (this.commitChains.get(device.id) === next) this.commitChains.delete(device.id);
    }
  }

  private async commitNow(device: PairedDevice, ids: string[]): Promise<CommitResponse> {
    const results: CommitResponse['results'] = [];
    const ready: UploadRow[] = [];
    for (const id of ids) {
      const row = this.loadUpload(device.id, id);
      if (!row) {
        const acked = this.d.sync.acked(device.id, id);
        results.push({ id, status: acked && acked.removedAt === null ? 'duplicate' : 'unknown' });
      } else if (row.received < row.size) {
        results.push({ id, status: 'incomplete', message: `${row.received} of ${row.size} bytes received` });
      } else if ((await this.contentHash(row)) !== row.hash) {
        // Damaged in transit or on disk: start this item over.
        this.forget(row.staging);
        await this.turn(() => this.d.sync.setReceived(device.id, id, 0, this.d.now()));
        results.push({ id, status: 'failed', message: 'The content does not match the hash in the manifest; upload it again.' });
      } else {
        ready.push(row);
      }
    }
    if (ready.length) {
      const batch: IngestItem[] = ready.map((row) => ({
        deviceId: device.id,
        sourceKey: row.itemId,
        category: row.category,
        occurredAt: row.modified,
        title: row.name,
        fields: { name: row.name, sha256: row.hash, modified: row.modified },
        // Held in memory, or staged on disk (spilled, resumed, or too big to hold).
        file: this.fileOf(row),
      }));
      // The acks, the retired uploads and the sync time are written by the vault's own
      // transaction for these items [Note: Acks in the vault's transaction], or right after
      // it by a sink that cannot (an export's records are stored after the file).
      let recorded: AckRow[] | null = null;
      const record = (stored: IngestResult[]): AckRow[] => {
        const rows = ackRows(ready, stored);
        this.d.sync.tx(() => {
          this.d.sync.recordAcks(device.id, rows, this.d.now());
          this.d.pairings.touchSync(device.id, this.d.now());
        });
        recorded = rows;
        return rows;
      };
      const unpins = ready.map((row) => this.held.pin(row.staging));
      let stored: IngestResult[];
      try {
        stored = await this.d.sink.putItems(batch, record);
      } catch (e) {
        // The vault's other seal jobs may still be reading these bytes: never reuse their memory.
        for (const row of ready) this.held.noReuse(row.staging);
        throw e;
      } finally {
        for (const unpin of unpins) unpin();
      }
      const acks = recorded ?? (await this.turn(() => record(stored)));
      const bySource = new Map(stored.map((r) => [r.sourceKey, r]));
      for (const row of ready) {
        const r = bySource.get(row.itemId);
        const status = r?.status ?? 'failed';
        results.push(r?.message ? { id: row.itemId, status, message: r.message } : { id: row.itemId, status });
      }
      const staged = new Map(ready.map((r) => [r.itemId, r.staging]));
      for (const a of acks) {
        const name = staged.get(a.itemId) as string;
        this.completeInMemory.delete(name);
        // A file still held was never staged (held means it arrived whole and was not
        // spilled): no file to remove, and no rm/lstat pair per photo on the thread pool.
        const onDisk = !this.held.has(name);
        this.held.drop(name);
        if (onDisk) this.d.staging.removeSoon(name);
      }
    } else {
      await this.turn(() => this.d.pairings.touchSync(device.id, this.d.now()));
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { results };
  }

  /**
   * The stored file of a verified upload: a held file goes to the vault as its buffer (cut
   * in place, no stream and no copy into the chunking window); a staged one as a stream.
   */
  private fileOf(row: UploadRow): IngestFile {
    // An empty file never had a range, so it has no staging file either.
    if (row.size === 0) return { name: row.name, mime: row.mime, size: 0, sha256: row.hash, open: () => Readable.from([]), data: Buffer.alloc(0) };
    const file: IngestFile = { name: row.name, mime: row.mime, size: row.size, sha256: row.hash, open: () => this.held.open(row.staging) ?? this.d.staging.reader(row.staging, row.size) };
    const held = this.held.data(row.staging);
    if (held) file.data = held;
    return file;
  }

  /** SHA-256 of a complete upload: on the worker for a held file, while it arrived for a staged one, else over the held or staged bytes. */
  private async contentHash(row: UploadRow): Promise<string> {
    if (row.size === 0) return EMPTY_SHA256;
    const pending = this.digests.get(row.staging);
    if (pending) {
      this.digests.delete(row.staging);
      return pending;
    }
    const key = `${row.deviceId}\0${row.itemId}`;
    const run = this.running.get(key);
    this.running.delete(key);
    if (run && run.upTo === row.size) return run.hash.digest('hex');
    const held = this.held.data(row.staging);
    if (held) return createHash('sha256').update(held).digest('hex');
    return this.d.staging.hash(row.staging, row.size);
  }

  /** Location reports: stored only under a live consent, coarsened to what it allows; otherwise dropped and the drop recorded. */
  async location(device: PairedDevice, req: LocationRequest): Promise<LocationResponse> {
    const now = this.d.now();
    const precise = req.reports.some((r) => r.accuracy < 1000);
    const c = this.d.consent.check({ deviceId: device.id, purpose: 'location', precision: precise ? 'precise' : 'approximate', now });
    const blocked = this.blockedReason(device);
    if (!c.allowed || blocked) {
      const reason = blocked ? 'child device without guardian consent' : (c as { reason: string }).reason;
      await this.turn(() => {
        this.d.sync.recordLocationDrop(device.id, req.reports.length, reason, now);
        this.d.consent.recordDrop?.({ deviceId: device.id, purpose: 'location', now }, reason, req.reports.length);
      });
      this.d.log.info('devices.location-dropped', { device: device.id, reports: req.reports.length, reason });
      return { accepted: 0, dropped: req.reports.length, reason };
    }
    const approximate = c.precision === 'approximate';
    // Approximate-only consent: coordinates are coarsened to 2 decimals (about 1 km), never upgraded.
    const round = (v: number): number => (approximate ? Math.round(v * 100) / 100 : v);
    const items: IngestItem[] = req.reports.map((r) => ({
      deviceId: device.id,
      sourceKey: `location:${r.at}`,
      category: 'location',
      occurredAt: r.at,
      title: 'Location report',
      fields: { accuracy: approximate ? Math.max(r.accuracy, 1000) : r.accuracy, consentId: c.consentId, precision: approximate ? 'approximate' : 'precise' },
      location: { lat: round(r.lat), lon: round(r.lon) },
    }));
    const results = await this.d.sink.putItems(items);
    const accepted = results.filter((r) => ACKED.has(r.status)).length;
    return { accepted, dropped: req.reports.length - accepted, reason: null };
  }

  restoreOffers(device: PairedDevice): RestoreOffer[] {
    return this.d.sync.restoreOffers(device.id).map(({ vaultItemId: _v, ...o }) => o);
  }

  async openRestore(device: PairedDevice, offerId: string): Promise<{ offer: RestoreOffer; open: () => Promise<NodeJS.ReadableStream> }> {
    const o = this.d.sync.restoreOffer(device.id, offerId);
    if (!o) throw new KeepsakeError('NOT_FOUND', 'This restore item is not offered to this device.');
    const { vaultItemId, ...offer } = o;
    return {
      offer,
      open: async () => {
        const s = await this.d.sink.openOriginal(vaultItemId);
        if (!s) throw new KeepsakeError('NOT_FOUND', 'This item is no longer in the vault.');
        return s;
      },
    };
  }

  restoreAck(device: PairedDevice, offerIds: string[]): Promise<number> {
    return this.turn(() => this.d.sync.markDelivered(device.id, offerIds, this.d.now()));
  }

  /**
   * Runs a short index write in turn with the vault's writes (IngestSink.afterWrites): a
   * phone's rows written while a storage-worker batch holds the index wait for it without
   * freezing the event loop. Resolves once the write has committed.
   */
  turn<T>(fn: () => T): Promise<T> {
    const sink = this.d.sink;
    if (sink.afterWrites) return sink.afterWrites(fn);
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
}

type AckRow = Parameters<SyncStore['recordAcks']>[1][number];

/**
 * Calls `fn` with each chunk of a body, in order. A request body (a Readable) is read with
 * 'data' events: a photo arrives as ~16 KiB TLS records, and an async iterator's promise
 * and read() per record cost ~3 µs each (~20 ms per 100 MB) for nothing. As with
 * for-await: a throwing `fn` stops reading and destroys the body, and a body that errors
 * or closes before its end rejects (a cut connection).
 */
export function eachChunk(body: AsyncIterable<Buffer>, fn: (chunk: Buffer) => void): Promise<void> {
  if (!(body instanceof Readable)) {
    return (async () => {
      for await (const chunk of body) fn(chunk);
    })();
  }
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const onData = (chunk: Buffer): void => {
      try {
        fn(chunk);
      } catch (e) {
        failed = true;
        body.off('data', onData);
        body.destroy();
        reject(e as Error);
      }
    };
    body.on('data', onData);
    finished(body, (err) => {
      if (failed) return;
      body.off('data', onData);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Frees a request body's piece once its bytes were copied elsewhere. [Note: Records freed at
 * once] Node's HTTP parser hands each TLS record's body bytes over as a new ~16 KiB
 * ArrayBuffer; V8 counts that memory as external until a GC sweeps it, so 214 MB of
 * records per sync pushed its external-memory limits between scavenges and started
 * "external memory pressure" GCs and back-to-back full GCs (session 7, --trace-gc). Freed
 * here (freeNow: detached by a post to a closed port, ~1 µs) the memory goes at once,
 * uncounted, and the allocator hands the same warm 16 KiB to the next record. Only a piece
 * that is its buffer's whole allocation is freed — a view into something larger (a piece
 * an upload batch cut out of a record, a pooled slice) is left to the GC — and only by a
 * caller that keeps no reference (the bytes were copied into held memory).
 */
export function freeRecord(chunk: Buffer): void {
  const ab = chunk.buffer;
  if (ab instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.length === ab.byteLength) freeNow(ab);
}

/** The ack rows for a commit's stored, duplicate and tombstoned items. */
function ackRows(ready: UploadRow[], stored: IngestResult[]): AckRow[] {
  const bySource = new Map(stored.map((r) => [r.sourceKey, r]));
  const acks: AckRow[] = [];
  for (const row of ready) {
    const r = bySource.get(row.itemId);
    if (r && ACKED.has(r.status)) {
      acks.push({ itemId: row.itemId, hash: row.hash, size: row.size, category: row.category, vaultItemId: r.vaultItemId ?? null, state: r.status === 'tombstoned' ? 'tombstoned' : 'stored' });
    }
  }
  return acks;
}

/**
 * A range received into memory: a whole file (its size is known and within the held
 * budget) copied into one buffer, which is what the vault's chunker reads best.
 */
class MemoryRange {
  private readonly buf: Buffer;
  bytes = 0;

  constructor(
    size: number,
    private readonly memory: HeldMemory,
  ) {
    // Shared with the hash worker, which reads it in place once the file is complete;
    // reused memory may hold an earlier file's bytes, which `bytes` never reaches past.
    this.buf = memory.take(size);
  }

  /** The caller never writes past the declared range, which is the whole file. */
  write(part: Buffer): void {
    this.bytes += part.copy(this.buf, this.bytes);
  }

  get data(): Buffer {
    return this.buf.subarray(0, this.bytes);
  }

  /** The range did not complete: its bytes go to disk staging from offset 0. */
  settle(open: () => ReturnType<UploadStaging['writer']>): { landed: number; error: unknown } {
    try {
      if (this.bytes === 0) return { landed: 0, error: null };
      return new DiskRange(open(), [this.data], this.bytes).settle();
    } finally {
      // Written to staging synchronously (or not at all): nothing reads this memory any more.
      this.memory.give(this.buf);
    }
  }
}

/** A range written to disk staging in writes of at least STAGING_WRITE_BYTES. */
class DiskRange {
  constructor(
    private readonly writer: ReturnType<UploadStaging['writer']>,
    private pending: Buffer[] = [],
    private pendingBytes = 0,
  ) {}

  write(part: Buffer): void {
    this.pending.push(part);
    this.pendingBytes += part.length;
    if (this.pendingBytes >= STAGING_WRITE_BYTES) this.flush();
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const data = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.writer.write(data);
  }

  /** Writes what is pending and closes; how many bytes landed counts even when a write failed. */
  settle(): { landed: number; error: unknown } {
    let error: unknown = null;
    try {
      this.flush();
    } catch (e) {
      error = e;
    }
    return { landed: this.writer.close(), error };
  }
}
