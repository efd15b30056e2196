// The reference device agent: pairs with a desktop from a QR payload, syncs a phone-like
// folder with protocol v1 (manifest → resumable range uploads → commits acknowledged
// only when durable), resumes after a cut, reports deletions, and receives restores.
// Tests, benchmarks and demos drive this class; bin/keepsake-agent.mjs is its CLI.
import { createReadStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { makeSelfSignedIdentity } from '../../main/core/devices/certificate';
import {
  ACKED, ALPN_PAIR, ALPN_SYNC, decodePairingUri, encodeBatchHead, FEATURES, LIMITS, PATHS,
  type CommitResponse, type ErasureAckResponse, type ErasuresResponse, type HelloResponse, type ManifestResponse, type PairResponse, type UploadBatchResponse, type UploadStatus,
} from '../../main/core/devices/wire';
import { AgentError, PinnedClient, parseJson, probeCertificate } from './pinned-client';
import { receiveRestore, type RestoreSummary } from './restore';
import { scanPhone, type ScannedFile } from './scan';
import { StateFile } from './state';

export interface SyncOptions {
  /** Upload range size (bytes; default and cap: the desktop's limit, so most files go in one request). */
  rangeBytes?: number;
  /** At most this many items or bytes per commit (commits are pipelined: see uploadAll). */
  commitItems?: number;
  commitBytes?: number;
  /** A commit waits for this many items or bytes, whichever comes first, unless uploading is over. */
  commitMinItems?: number;
  commitMinBytes?: number;
  /**
   * Files up to this size (default 1 MiB; 0: never) go several to a request when the
   * desktop lists the 'upload-batch/1' feature, up to `batchBytes` (default 8 MiB) a request.
   */
  batchFileBytes?: number;
  batchBytes?: number;
  /**
   * Bytes sent but not yet acknowledged — the commit in flight, the batch waiting for the
   * next commit and the uploads under way — kept at or below this (default 64 MiB: what a
   * desktop holds in memory by default; past it, it writes files to disk staging).
   */
  windowBytes?: number;
  /** Parallel uploads (default 3; the desktop allows 8 connections per device). */
  concurrency?: number;
  /** Retries per item after a cut connection (each resumes where the desktop stopped). */
  retries?: number;
  onProgress?: (p: { uploadedBytes: number; acked: number }) => void;
  /**
   * The phone's setting for erasures made on the desktop: delete its own copy of an erased
   * item (true) or keep it (false, the default — the agent never deletes unless told to).
   * Either way the desktop is told, and its receipt records which.
   */
  deleteErased?: boolean;
}

export interface SyncSummary {
  scanned: number;
  offered: number;
  needed: number;
  have: number;
  tombstoned: number;
  removedReported: number;
  uploadedBytes: number;
  /** Upload requests sent (ranges, batches and the retries of either). */
  uploadRequests: number;
  acked: number;
  notAcked: Array<{ id: string; status: string; message?: string }>;
  blocked: string | null;
  /** Erasure notices applied and acknowledged this sync (the desktop's receipts were revised). */
  erasuresAcked: number;
  /** Wall time of the sync, ms (scan included). */
  durationMs: number;
}

export class KeepsakeAgent {
  readonly state: StateFile;

  constructor(
    readonly phoneRoot: string,
    stateDir: string,
  ) {
    this.state = new StateFile(stateDir);
  }

  private identity(): { keyPem: string; certPem: string; fingerprint: string } {
    if (!this.state.state.identity) {
      this.state.state.identity = makeSelfSignedIdentity(`keepsake-agent ${hostname()}`.slice(0, 60));
      this.state.save();
    }
    return this.state.state.identity;
  }

  /** Pairs with the desktop whose QR payload (URI text) is given. */
  async pair(uri: string, device: { name: string; kind?: 'android' | 'ios' | 'other'; model?: string }): Promise<PairResponse> {
    const payload = decodePairingUri(uri);
    if (payload.expires <= Date.now()) throw new AgentError('This pairing code has expired. Start a new pairing on the desktop.', 'EXPIRED');
    const me = this.identity();
    const ep = { host: payload.host, port: payload.port, fingerprint: payload.fingerprint };
    const certPem = await probeCertificate(ep, me, ALPN_PAIR);
    const client = new PinnedClient({ ...ep, certPem }, me, ALPN_PAIR, { maxSockets: 1 });
    try {
      const body = { secret: payload.secret, name: device.name, kind: device.kind ?? 'android', ...(device.model ? { model: device.model } : {}) };
      const res = parseJson<PairResponse>(await client.send('POST', PATHS.pair, { json: body }));
      this.state.state.desktop = { ...ep, certPem, deviceId: res.deviceId, desktopName: res.desktopName };
      this.state.save();
      return res;
    } finally {
      client.close();
    }
  }

  private client(maxSockets = 4): PinnedClient {
    const d = this.state.state.desktop;
    if (!d) throw new AgentError('This phone is not paired with a desktop yet. Pair it first.', 'NOT_PAIRED');
    return new PinnedClient(d, this.identity(), ALPN_SYNC, { maxSockets });
  }

  async hello(): Promise<HelloResponse> {
    const c = this.client(1);
    try {
      return await c.json<HelloResponse>('GET', PATHS.hello);
    } finally {
      c.close();
    }
  }

  async sync(opts: SyncOptions = {}): Promise<SyncSummary> {
    const concurrency = Math.max(1, opts.concurrency ?? 3);
    const client = this.client(concurrency + 1);
    const t0 = Date.now();
    try {
      const hello = await client.json<HelloResponse>('GET', PATHS.hello);
      const sum: SyncSummary = { scanned: 0, offered: 0, needed: 0, have: 0, tombstoned: 0, removedReported: 0, uploadedBytes: 0, uploadRequests: 0, acked: 0, notAcked: [], blocked: hello.blocked, erasuresAcked: 0, durationMs: 0 };
      if (hello.blocked) return sum;
      const files = await scanPhone(this.phoneRoot, this.state.state.files);
      this.state.save();
      sum.scanned = files.length;
      const present = new Set(files.map((f) => f.id));
      // Offer only what the desktop has not acknowledged with this exact content.
      const offer = files.filter((f) => this.state.acked.get(f.id)?.hash !== f.hash);
      const removed = [...this.state.acked.keys()].filter((id) => !present.has(id));
      sum.offered = offer.length;
      const byId = new Map(files.map((f) => [f.id, f]));
      const need: Array<{ file: ScannedFile; offset: number }> = [];
      const pageSize = hello.limits.manifestItems;
      for (let i = 0; i < Math.max(offer.length, removed.length ? 1 : 0); i += pageSize) {
        const page = offer.slice(i, i + pageSize).map(({ path: _p, ...e }) => e);
        const gone = i === 0 ? removed : [];
        const m = await client.json<ManifestResponse>('POST', PATHS.manifest, { items: page, removed: gone });
        if (m.blocked) {
          sum.blocked = m.blocked;
          return sum;
        }
        if (gone.length) {
          this.state.appendAcks(gone.map((id) => ({ id, hash: '', status: 'removed', at: Date.now() })));
          sum.removedReported += gone.length;
        }
        const now = Date.now();
        this.state.appendAcks([
          ...m.have.map((id) => ({ id, hash: byId.get(id)?.hash ?? '', status: 'duplicate', at: now })),
          ...m.tombstoned.map((id) => ({ id, hash: byId.get(id)?.hash ?? '', status: 'tombstoned', at: now })),
        ]);
        sum.have += m.have.length;
        sum.tombstoned += m.tombstoned.length;
        for (const n of m.need) {
          const file = byId.get(n.id);
          if (file) need.push({ file, offset: n.offset });
        }
      }
      sum.needed = need.length;
      await this.uploadAll(client, need, hello, { ...opts, concurrency }, sum);
      sum.erasuresAcked = await this.applyErasures(client, opts.deleteErased ?? false);
      sum.durationMs = Date.now() - t0;
      return sum;
    } finally {
      client.close();
    }
  }

  /**
   * Uploads what the desktop needs and commits it. [Note: Pipelined commits] One commit is
   * in flight at a time; the first is sent with the first file, the next as soon as the
   * previous has answered and enough is fully sent (`commitMinItems`/`commitMinBytes`, or
   * everything), so the desktop stores one
   * batch while the next uploads. The minimum exists because each commit has a fixed cost
   * on the desktop (index transactions, pack and directory fsyncs): measured, 28 commits
   * for 214 MB cost ~0.6 s of desktop CPU more than a few large ones. Batches grow by
   * themselves when storing is the slower side; `commitItems`/`commitBytes` cap them, and
   * when the waiting batch is at the cap, uploads pause for the commit in flight (the
   * desktop holds uploaded files in memory until their commit).
   */
  private async uploadAll(client: PinnedClient, need: Array<{ file: ScannedFile; offset: number }>, hello: HelloResponse, opts: SyncOptions, sum: SyncSummary): Promise<void> {
    const rangeBytes = Math.min(opts.rangeBytes ?? hello.limits.rangeBody, hello.limits.rangeBody);
    const commitItems = Math.min(opts.commitItems ?? 500, hello.limits.commitItems);
    const commitBytes = opts.commitBytes ?? 32 * 1024 * 1024;
    const minItems = Math.min(opts.commitMinItems ?? 100, commitItems);
    const minBytes = Math.min(opts.commitMinBytes ?? 16 * 1024 * 1024, commitBytes);
    let batch: ScannedFile[] = [];
    let batchBytes = 0;
    const windowBytes = opts.windowBytes ?? 64 * 1024 * 1024;
    let inFlight: Promise<void> | null = null;
    let inFlightBytes = 0;
    let commitError: unknown = null;
    let uploading = 0;
    let uploadingBytes = 0;
    /** Uploads under way (settle, never reject) and the bytes a worker waits to send. */
    const uploads = new Set<Promise<void>>();
    let wanted = 0;
    const over = (bytes: number): boolean => inFlightBytes + batchBytes + uploadingBytes + bytes > windowBytes;
    let draining = false;
    let commits = 0;
    const full = (): boolean => batch.length >= commitItems || batchBytes >= commitBytes;
    // The first commit goes with the first file: the desktop starts storing at once.
    const enough = (): boolean => draining || commits === 0 || batch.length >= minItems || batchBytes >= minBytes || (next >= need.length && uploading === 0) || (wanted > 0 && over(wanted));
    const pump = (): void => {
      if (inFlight || !batch.length || commitError || !enough()) return;
      // Up to the caps (at least one file); the rest waits for the next commit.
      let n = 0;
      let bytes = 0;
      while (n < batch.length && n < commitItems && (n === 0 || bytes + (batch[n]?.size ?? 0) <= commitBytes)) bytes += batch[n++]?.size ?? 0;
      const files = batch.slice(0, n);
      batch = batch.slice(n);
      batchBytes -= bytes;
      commits += 1;
      inFlightBytes = bytes;
      // Handled at once (no unhandled rejection); the first failure is rethrown below.
      inFlight = this.commit(client, files, sum, opts)
        .catch((e: unknown) => {
          commitError ??= e;
        })
        .finally(() => {
          inFlight = null;
          inFlightBytes = 0;
          pump();
        });
    };
    // Small whole files go several to a request when the desktop serves it [Note: Upload batches].
    const batching = (hello.features ?? []).includes(FEATURES.uploadBatch);
    const smallMax = batching ? Math.min(opts.batchFileBytes ?? 1024 * 1024, rangeBytes) : 0;
    const groupBytes = Math.min(opts.batchBytes ?? 8 * 1024 * 1024, rangeBytes);
    const groupItems = Math.min(hello.limits.batchItems ?? LIMITS.batchItems, LIMITS.batchItems);
    const small = (j: { file: ScannedFile; offset: number } | undefined): j is { file: ScannedFile; offset: number } => !!j && j.offset === 0 && j.file.size > 0 && j.file.size <= smallMax;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < need.length && !commitError) {
        // Back-pressure: a full batch waits for the commit in flight before more is sent.
        while (full() && inFlight) await inFlight;
        const job = need[next++];
        if (!job) break;
        const group = [job.file];
        let bytes = job.file.size;
        if (small(job)) {
          for (let j = need[next]; small(j) && group.length < groupItems && bytes + j.file.size <= groupBytes; j = need[next]) {
            group.push(j.file);
            bytes += j.file.size;
            next += 1;
          }
        }
        // Window: what the desktop holds unacknowledged stays within its memory, so it
        // never has to spill held files to disk staging (measured: 5–30 spills per
        // 214 MB sync without this, each an encryption, a write, a read and a decryption).
        // Over it, what waits is committed now, then a commit or an upload is awaited (a
        // file bigger than the whole window goes alone once nothing else is out).
        while (over(bytes) && !commitError) {
          wanted = bytes;
          pump();
          wanted = 0;
          if (inFlight) await inFlight;
          else if (uploads.size) await Promise.race(uploads);
          else break;
        }
        uploading += 1;
        uploadingBytes += bytes;
        const upload = group.length > 1 ? this.uploadGroup(client, group, rangeBytes, opts, sum) : this.uploadFile(client, job.file, job.offset, rangeBytes, opts, sum);
        const settled = upload.then(
          () => undefined,
          () => undefined,
        );
        uploads.add(settled);
        try {
          await upload;
        } finally {
          uploads.delete(settled);
          uploading -= 1;
          uploadingBytes -= bytes;
        }
        batch.push(...group);
        batchBytes += bytes;
        pump();
      }
    };
    try {
      await Promise.all(Array.from({ length: opts.concurrency ?? 3 }, worker));
    } finally {
      // Even when an upload failed, commit what was fully sent so it can be acknowledged.
      draining = true;
      while (inFlight || (batch.length && !commitError)) {
        pump();
        if (inFlight) await inFlight;
      }
    }
    if (commitError) throw commitError;
  }

  /**
   * Sends whole small files in one request (POST /v1/upload-batch). [Note: Upload batches]
   * One request per screenshot cost the desktop a request and a response each; a batch
   * costs one. Anything the batch did not deliver whole — a file refused in its slot, a
   * file that changed size since the scan, or the whole batch after a cut — is sent on
   * its own with the usual resumable ranges (the desktop skips bytes it already holds).
   */
  private async uploadGroup(client: PinnedClient, files: ScannedFile[], rangeBytes: number, opts: SyncOptions, sum: SyncSummary): Promise<void> {
    const parts: Buffer[] = [];
    const sent: ScannedFile[] = [];
    const alone: ScannedFile[] = [];
    for (const f of files) {
      let data: Buffer | null = null;
      try {
        data = readFileSync(f.path);
      } catch {
        data = null;
      }
      if (data && data.length === f.size) {
        parts.push(data);
        sent.push(f);
      } else alone.push(f);
    }
    let results: UploadBatchResponse['results'] = [];
    if (sent.length) {
      const head = Buffer.from(encodeBatchHead({ items: sent.map((f) => ({ id: f.id, size: f.size })) }));
      const length = head.length + sent.reduce((n, f) => n + f.size, 0);
      sum.uploadRequests += 1;
      try {
        const res = await client.send('POST', PATHS.uploadBatch, { body: Readable.from([head, ...parts], { objectMode: false }), length, headers: { 'content-type': 'application/octet-stream' } });
        results = parseJson<UploadBatchResponse>(res).results;
      } catch (e) {
        if ((e as AgentError).code === 'PIN_MISMATCH') throw e;
        results = []; // everything below goes on its own
      }
    }
    for (const [i, f] of sent.entries()) {
      const r = results[i];
      if (r && r.id === f.id && !('error' in r) && r.received === f.size) sum.uploadedBytes += f.size;
      else alone.push(f);
    }
    opts.onProgress?.({ uploadedBytes: sum.uploadedBytes, acked: sum.acked });
    for (const f of alone) await this.uploadFile(client, f, 0, rangeBytes, opts, sum);
  }

  private async uploadFile(client: PinnedClient, f: ScannedFile, startAt: number, rangeBytes: number, opts: SyncOptions, sum: SyncSummary): Promise<void> {
    let offset = startAt;
    let attempts = 0;
    while (offset < f.size) {
      const end = Math.min(f.size, offset + rangeBytes) - 1;
      try {
        sum.uploadRequests += 1;
        const res = await client.send('PUT', `${PATHS.upload}${encodeURIComponent(f.id)}`, {
          // 1 MiB reads: fewer reads and wake-ups per file than the 64 KiB default.
          body: createReadStream(f.path, { start: offset, end, highWaterMark: 1 << 20 }),
          length: end - offset + 1,
          headers: { 'content-range': `bytes ${offset}-${end}/${f.size}`, 'content-type': 'application/octet-stream' },
        });
        const st = parseJson<UploadStatus>(res);
        sum.uploadedBytes += st.received - offset;
        offset = st.received;
        attempts = 0; // progress was made: the retry budget is per stall, not per file
        opts.onProgress?.({ uploadedBytes: sum.uploadedBytes, acked: sum.acked });
      } catch (e) {
        const err = e as AgentError;
        if (err.code === 'PIN_MISMATCH' || attempts >= (opts.retries ?? 3)) throw e;
        attempts += 1;
        await new Promise((r) => setTimeout(r, 200 * attempts));
        // Ask where the desktop stopped, then resume from there.
        const st = await client.json<UploadStatus>('GET', `${PATHS.upload}${encodeURIComponent(f.id)}`);
        offset = st.received;
      }
    }
  }

  private async commit(client: PinnedClient, files: ScannedFile[], sum: SyncSummary, opts: SyncOptions): Promise<void> {
    const res = await client.json<CommitResponse>('POST', PATHS.commit, { ids: files.map((f) => f.id) });
    const byId = new Map(files.map((f) => [f.id, f]));
    const now = Date.now();
    const acks = res.results.filter((r) => ACKED.has(r.status)).map((r) => ({ id: r.id, hash: byId.get(r.id)?.hash ?? '', status: r.status, at: now }));
    this.state.appendAcks(acks);
    sum.acked += acks.length;
    for (const r of res.results) if (!ACKED.has(r.status)) sum.notAcked.push(r.message ? { id: r.id, status: r.status, message: r.message } : { id: r.id, status: r.status });
    opts.onProgress?.({ uploadedBytes: sum.uploadedBytes, acked: sum.acked });
  }

  /**
   * Applies the desktop's erasure notices (docs/protocol.md §3.6): each erased item is
   * logged as erased (never offered again), deleted from the phone folder if the setting
   * says so, and the notice acknowledged with what was deleted and what kept.
   */
  private async applyErasures(client: PinnedClient, deleteErased: boolean): Promise<number> {
    let erasures: ErasuresResponse['erasures'];
    try {
      ({ erasures } = await client.json<ErasuresResponse>('GET', PATHS.erasures));
    } catch (e) {
      if (e instanceof AgentError && e.code === 'NOT_FOUND') return 0; // a desktop from before §3.6
      throw e;
    }
    let n = 0;
    for (const notice of erasures) {
      const deleted: string[] = [];
      const kept: string[] = [];
      for (const id of notice.ids) {
        const path = this.confined(id);
        if (deleteErased && path && existsSync(path)) {
          rmSync(path, { force: true });
          deleted.push(id);
        } else if (deleteErased && path) {
          deleted.push(id); // already gone from the phone
        } else {
          kept.push(id);
        }
      }
      // Logged durably before acknowledging, so a cut here never resends an erased item.
      const now = Date.now();
      this.state.appendAcks(notice.ids.map((id) => ({ id, hash: this.state.acked.get(id)?.hash ?? '', status: 'tombstoned', at: now })));
      await client.json<ErasureAckResponse>('POST', PATHS.erasuresAck, { receiptId: notice.receiptId, deleted, kept });
      n++;
    }
    return n;
  }

  /** A phone path for a desktop-given id, or null if it would leave the phone folder. */
  private confined(id: string): string | null {
    if (isAbsolute(id) || id.includes('\\') || normalize(id).split(sep).includes('..')) return null;
    return join(this.phoneRoot, id);
  }

  /** Sends location reports; the desktop drops them without a live consent. */
  async reportLocation(reports: Array<{ lat: number; lon: number; accuracy: number; at: number }>): Promise<{ accepted: number; dropped: number; reason: string | null }> {
    const c = this.client(1);
    try {
      return await c.json('POST', PATHS.location, { reports });
    } finally {
      c.close();
    }
  }

  /** Pulls what the desktop offers for restore into the phone folder. */
  async restore(): Promise<RestoreSummary> {
    const c = this.client(2);
    try {
      return await receiveRestore(c, this.phoneRoot, this.state);
    } finally {
      c.close();
    }
  }

  /** Files the desktop acknowledged (so the phone may delete them), from the ack log. */
  freeable(): string[] {
    return [...this.state.acked.values()].filter((r) => r.status !== 'tombstoned' && existsSync(`${this.phoneRoot}/${r.id}`)).map((r) => r.id);
  }
}
