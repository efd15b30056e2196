// A small pool of worker threads that turn whole large files into sealed chunks: each
// worker reads its file, finds the content-defined cut points (the same cutPoint the
// main thread uses, embedded as source text), computes the keyed chunk id (HMAC-SHA256)
// and seals the chunk (AES-256-GCM, random nonce, (id, item, type) as associated data).
// Two files are worked on at once, one per core, and the main thread only places the
// sealed chunks into packs and writes the index — before this, it read and cut every
// byte itself and was the limit of a backup of photos and videos.
// Small files go in batches (sealSmall): a worker reads, cuts, MACs and seals a few dozen
// files and answers once, every sealed chunk in one transferred buffer — one message per
// file cost more than the crypto of a 4 KiB file.
// The worker is inline code (eval) that needs only node:fs and node:crypto: no loader,
// no extra file to ship in the Electron bundle. If workers cannot start, the caller
// seals on the main thread instead. Flow control: a worker may have CREDITS chunks
// waiting for the main thread, then waits for acknowledgements, so memory stays bounded
// however slow the disk is.
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { KeepsakeError } from '../../../common/errors';
import { cutPoint, type CutParams } from './chunker';

/**
 * Sealed chunks a worker may have outstanding per file before it waits. Four (~4 MiB at the
 * 1 MiB average chunk) let a worker go on while this thread is busy for a few ms placing
 * a batch of small files or committing; with two the workers waited on acks ~30 % of a
 * first backup.
 */
const CREDITS = 4;
/**
 * Jobs posted to one worker at once: the next waits in the worker's own queue, so the
 * worker starts it the moment it answers the last one instead of after a round trip
 * through this thread (which may be in the middle of a batch's commit). The least loaded
 * worker is picked, so two jobs still go to two workers.
 */
const DEPTH = 2;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, writeSync, closeSync, fstatSync, unlinkSync, fchmodSync, futimesSync } = require('node:fs');
const { createHmac, createCipheriv, createDecipheriv, randomBytes } = require('node:crypto');
const cutPoint = ${cutPoint.toString()};
let job = null;
let windowBuf = null;
let smallBuf = null;
// nonces are drawn from the CSPRNG 4 KiB at a time: one randomBytes call per 12-byte
// nonce cost more than sealing a small file; each slice is used once
let rnd = Buffer.alloc(0), rndAt = 0;
function nonce12() {
  if (rndAt + 12 > rnd.length) { rnd = randomBytes(4096); rndAt = 0; }
  rndAt += 12;
  return rnd.subarray(rndAt - 12, rndAt);
}
const queue = [];
parentPort.on('message', (m) => {
  if (m.type === 'ack' || m.type === 'cancel') {
    // a job cancelled while still queued here never starts (its keys are wiped)
    const queued = m.type === 'cancel' ? queue.findIndex((q) => q.job === m.job) : -1;
    if (queued >= 0) { wipe(queue.splice(queued, 1)[0]); return; }
    if (!job || job.id !== m.job) return;
    if (m.type === 'ack') job.credits += 1;
    else job.cancelled = true;
    if (job.wake) { const w = job.wake; job.wake = null; w(); }
    return;
  }
  queue.push(m);
  if (!job) next();
});
function next() {
  const m = queue.shift();
  if (!m) return;
  job = { id: m.job, credits: m.credits, cancelled: false, wake: null };
  if (m.type === 'small' || m.type === 'verify' || m.type === 'restore') {
    try { (m.type === 'small' ? runSmall : m.type === 'verify' ? runVerify : runRestore)(m); } catch (e) { parentPort.postMessage({ type: 'error', job: m.job, code: (e && e.code) || 'EIO', message: String((e && e.message) || e) }); }
    wipe(m);
    job = null;
    next();
    return;
  }
  run(m, job).catch((e) => parentPort.postMessage({ type: 'error', job: m.job, code: (e && e.code) || 'EIO', message: String((e && e.message) || e) }))
    .finally(() => { wipe(m); job = null; next(); });
}
// This worker's copies of the keys a job brought are destroyed when the job ends, like
// every other copy of a key (the parent wipes its own copies once they are posted).
function wipe(m) {
  for (const k of [m.key, m.keys, m.macKey, m.wrapKey, m.fpKey]) if (k) k.fill(0);
}
// Each opened chunk is a fresh plaintext buffer outside the V8 heap; V8 collects those
// only once ~64 MiB of them have piled up per isolate, which was most of restore's and
// check's peak RSS (two workers). A young-generation collection every MiB of plaintext
// (about every chunk) frees them early: with the young generation nearly empty it costs
// almost nothing, and it kept restore 10-15 MB and check ~10 MB lower than every 4 MiB at
// the same CPU (docs/performance.md, "Session 7: memory"). gc is taken from a fresh context with the flag on for that
// moment only (no later context of the process sees it); without it nothing changes. The
// flag is process-wide: two workers starting together can switch it off under each
// other, so a worker that found no gc tries again.
const GC_EVERY = 1024 * 1024;
let gcNow = null, plainSinceGc = 0;
try {
  const v8 = require('node:v8');
  for (let i = 0; i < 20 && !gcNow; i++) {
    v8.setFlagsFromString('--expose-gc');
    gcNow = require('node:vm').runInNewContext('typeof gc === "function" ? gc : null');
    v8.setFlagsFromString('--no-expose-gc');
  }
} catch {}
function dropped(bytes) {
  plainSinceGc += bytes;
  if (plainSinceGc >= GC_EVERY && gcNow) { plainSinceGc = 0; gcNow({ type: 'minor' }); }
}
// check --read-data for one pack: every listed chunk opened under its item's key with its
// (id, item, type) bound, and its id recomputed from the plaintext. Answers the indexes
// of the chunks that failed (the parent names their items) and the bytes read.
// The pack is read through the restore's reused read-ahead window (rows come in pack order,
// so each byte is read once): a whole-pack buffer per worker held 16 MiB each.
const VERIFY_WINDOW = 4 * 1024 * 1024;
const VERIFY_PIECE = 256 * 1024;
function runVerify(m) {
  const fd = openSync(m.path, 'r');
  const fds = new Map([[0, fd]]);
  const bad = [];
  let size = 0;
  try {
    size = fstatSync(fd).size;
    const src = { packs: [m.path], ends: [size], readAhead: VERIFY_WINDOW };
    winPack = -1; // never trust a window an earlier job left
    for (let i = 0; i < m.rows.length; i++) {
      const r = m.rows[i];
      const id = Buffer.from(m.ids.buffer, m.ids.byteOffset + i * 32, 32);
      const key = Buffer.from(m.keys.buffer, m.keys.byteOffset + i * 32, 32);
      try {
        if (r.length < 28 || r.offset + r.length > size) throw new Error('short');
        const sealed = restoreRead(src, fds, 0, r.offset, r.length);
        const item = Buffer.from(r.item, 'utf8');
        const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
        d.setAAD(Buffer.concat([id, Buffer.from([item.length]), item, Buffer.from([1])]));
        d.setAuthTag(sealed.subarray(sealed.length - 16));
        // opened and MACed in 256 KiB pieces: each piece is hashed while still in cache and
        // its memory is reused after the next collection (a whole 1 MiB plaintext was fresh
        // memory each time: 2-3x the page faults, measured)
        const mac = createHmac('sha256', m.macKey);
        let plainLength = 0;
        for (let at = 12; at < sealed.length - 16; at += VERIFY_PIECE) {
          const piece = d.update(sealed.subarray(at, Math.min(sealed.length - 16, at + VERIFY_PIECE)));
          mac.update(piece);
          plainLength += piece.length;
        }
        d.final();
        if (plainLength !== r.plain || !mac.digest().equals(id)) throw new Error('mac');
        dropped(plainLength);
      } catch {
        bad.push(i);
      }
    }
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ type: 'verify-done', job: m.job, bad, bytes: size });
}
// Restore of a few files: each is written whole as its temp name (m.files[f].tmp) from its
// chunks, read through one reused read-ahead window (chunks lie mostly in pack order, so
// most reads hit it), opened under the file's item key with (id, item, type) bound, their
// lengths checked, then mode and time set. The first file that fails stops the job; its
// temp file is removed and the failure is answered by kind, so the parent words it exactly
// as it would for a failure on its own thread.
let readWin = null, winPack = -1, winAt = 0, winLen = 0;
function restoreRead(m, fds, pack, offset, length) {
  if (pack === winPack && offset >= winAt && offset + length <= winAt + winLen) return readWin.subarray(offset - winAt, offset - winAt + length);
  let fd = fds.get(pack);
  if (fd === undefined) {
    try { fd = openSync(m.packs[pack], 'r'); } catch (e) { throw Object.assign(e, { kind: e && e.code === 'ENOENT' ? 'missing' : 'io', pack }); }
    fds.set(pack, fd);
  }
  // read ahead, but not past the last byte this job needs from the pack (a job of a few
  // small files needs a few hundred KiB of it, not the whole window)
  const want = Math.max(length, Math.min(m.readAhead, m.ends[pack] - offset));
  if (!readWin || readWin.length < want) readWin = Buffer.allocUnsafe(want);
  winPack = -1;
  let got = 0;
  while (got < length) {
    const n = readSync(fd, readWin, got, want - got, offset + got);
    if (n === 0) throw { kind: 'short', pack };
    got += n;
  }
  winPack = pack; winAt = offset; winLen = got;
  return readWin.subarray(0, length);
}
function runRestore(m) {
  const fds = new Map();
  let failed = null, bytes = 0, chunk = 0;
  winPack = -1; // packs may have been rewritten since the last job: never trust an old window
  try {
    for (let f = 0; f < m.files.length && !failed; f++) {
      const file = m.files[f];
      const key = m.keys.subarray(f * 32, f * 32 + 32);
      const item = Buffer.from(file.item, 'utf8');
      let fd = -1;
      try {
        fd = openSync(file.tmp, 'w', 0o600);
        let written = 0;
        const c = file.chunks;
        for (let k = 0; k < c.length; k += 4, chunk++) {
          const sealed = restoreRead(m, fds, c[k], c[k + 1], c[k + 2]);
          if (sealed.length < 28) throw { kind: 'truncated' };
          const id = Buffer.from(m.ids.buffer, m.ids.byteOffset + chunk * 32, 32);
          const aad = Buffer.allocUnsafe(32 + 1 + item.length + 1);
          id.copy(aad, 0);
          aad[32] = item.length;
          item.copy(aad, 33);
          aad[aad.length - 1] = 1;
          let plain;
          try {
            const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
            d.setAAD(aad);
            d.setAuthTag(sealed.subarray(sealed.length - 16));
            plain = d.update(sealed.subarray(12, sealed.length - 16));
            d.final();
          } catch { throw { kind: 'damaged' }; }
          if (plain.length !== c[k + 3]) throw { kind: 'length' };
          let off = 0;
          while (off < plain.length) off += writeSync(fd, plain, off, plain.length - off);
          written += plain.length;
          dropped(plain.length);
        }
        if (written !== file.size) throw { kind: 'incomplete' };
        if (file.mode !== null) fchmodSync(fd, file.mode);
        if (file.mtime !== null) futimesSync(fd, new Date(file.mtime), new Date(file.mtime));
        bytes += written;
      } catch (e) {
        failed = { file: f, kind: (e && e.kind) || 'io', pack: e && e.pack !== undefined ? e.pack : -1, code: (e && e.code) || '', message: String((e && e.message) || '') };
      } finally {
        if (fd >= 0) closeSync(fd);
      }
      if (failed) { try { unlinkSync(file.tmp); } catch {} }
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  parentPort.postMessage({ type: 'restore-done', job: m.job, failed, bytes });
}
function sealOne(m, plain, id) {
  const item = Buffer.from(m.itemId, 'utf8');
  const aad = Buffer.concat([id, Buffer.from([item.length]), item, Buffer.from([1])]);
  const nonce = nonce12();
  const c = createCipheriv('aes-256-gcm', m.key, nonce);
  c.setAAD(aad);
  const out = c.update(plain);
  c.final();
  // the ciphertext is sent as it is (transferred, not copied) when it owns its memory
  const body = out.byteOffset === 0 && out.buffer.byteLength === out.length ? new Uint8Array(out.buffer) : new Uint8Array(out);
  return { id: new Uint8Array(id), nonce: new Uint8Array(nonce), body, tag: new Uint8Array(c.getAuthTag()) };
}
// Reads a small file whole into the reused buffer; null when it has grown past the limit
// since it was listed (the parent then streams it instead).
// A local file returns fewer bytes than asked only at its end, so a short first read of
// exactly the listed size is the whole file: open, one read, close (the read that would
// return 0 is skipped). Anything else (a network file system's short read, a file that
// changed size) reads on to the end as before.
function readSmall(path, limit, listed) {
  if (!smallBuf || smallBuf.length < limit + 1) smallBuf = Buffer.allocUnsafe(limit + 1);
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    for (;;) {
      const want = smallBuf.length - n;
      const got = readSync(fd, smallBuf, n, want, null);
      if (got === 0) break;
      n += got;
      if (n > limit) return null;
      if (got < want && n === listed) break;
    }
    return smallBuf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
// A batch of small files: m.keys holds each file's 32-byte item key in file order. The
// answer is one buffer with every chunk id (32 bytes) and sealed chunk (nonce, ciphertext,
// tag), and per file [idAt, sealedAt, sealedLength, plainLength] for each chunk, or an error.
function runSmall(m) {
  const p = m.cut;
  const pieces = [];
  let at = 0;
  const files = [];
  const item = (id) => Buffer.from(id, 'utf8');
  for (let f = 0; f < m.files.length; f++) {
    const file = m.files[f];
    let plain;
    try {
      plain = readSmall(file.path, m.limit, file.size);
    } catch (e) {
      files.push({ error: (e && e.code) || 'EIO', message: String((e && e.message) || e) });
      continue;
    }
    if (plain === null) { files.push({ error: 'GROWN' }); continue; }
    const key = m.keys.subarray(f * 32, f * 32 + 32);
    const itemId = item(file.itemId);
    const chunks = [];
    const ids = [];
    let start = 0;
    let over = false;
    while (start < plain.length) {
      const len = cutPoint(plain.subarray(start), true, p.gear, p.maskS, p.maskL, p.minSize, p.avgSize, p.maxSize);
      if (chunks.length + 1 > file.maxSeals) { over = true; break; }
      const data = plain.subarray(start, start + len);
      const id = createHmac('sha256', m.macKey).update(data).digest();
      ids.push(id);
      const aad = Buffer.allocUnsafe(32 + 1 + itemId.length + 1);
      id.copy(aad, 0);
      aad[32] = itemId.length;
      itemId.copy(aad, 33);
      aad[aad.length - 1] = 1;
      const nonce = nonce12();
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(aad);
      const body = c.update(data);
      c.final();
      const tag = c.getAuthTag();
      const idAt = at;
      pieces.push(id, nonce, body, tag);
      at += 32;
      const sealedAt = at;
      at += nonce.length + body.length + tag.length;
      chunks.push(idAt, sealedAt, at - sealedAt, len);
      start += len;
    }
    if (over) { files.push({ error: 'BUDGET' }); continue; }
    // a new item's key wrapped here too (file.wrap), as wrapItemKey would: nonce ‖ AES-GCM
    // under the item-key-wrap key with "item-key:<id>" bound ‖ tag — the key is already
    // in this message for sealing, and the wrap was ~12 µs of the main thread per file
    let wrapped = null;
    if (file.wrap && m.wrapKey) {
      const nonce = nonce12();
      const c = createCipheriv('aes-256-gcm', m.wrapKey, nonce);
      c.setAAD(Buffer.from('item-key:' + file.itemId, 'utf8'));
      const body = c.update(key);
      c.final();
      const tag = c.getAuthTag();
      pieces.push(nonce, body, tag);
      wrapped = [at, nonce.length + body.length + tag.length];
      at += wrapped[1];
    }
    // the item's fingerprint (file.fp: its content head and file head from fingerprint.ts),
    // the MAC fingerprint() makes from them, the size read and the chunk ids in order
    let fp = null;
    if (file.fp && m.fpKey) {
      const mac = createHmac('sha256', m.fpKey);
      mac.update(file.fp[0]);
      mac.update(file.fp[1] + plain.length + '\0');
      for (const id of ids) mac.update(id);
      const digest = mac.digest();
      pieces.push(digest);
      fp = at;
      at += digest.length;
    }
    const reply = { size: plain.length, chunks };
    if (wrapped) reply.wrapped = wrapped;
    if (fp !== null) reply.fp = fp;
    files.push(reply);
  }
  // an exact-size buffer of its own, so transferring it moves no one else's memory
  const out = new Uint8Array(at);
  let o = 0;
  for (const b of pieces) { out.set(b, o); o += b.length; }
  parentPort.postMessage({ type: 'small-done', job: m.job, data: out, files }, [out.buffer]);
}
async function run(m, j) {
  const p = m.cut;
  // in-memory bytes are cut where they lie (no window, no reads); a file through the window
  const fd = m.data ? -1 : openSync(m.path, 'r');
  try {
    // one window per worker, reused for every file (a fresh one per file left many MiB for the GC)
    if (fd >= 0 && (!windowBuf || windowBuf.length < p.maxSize + (1 << 20))) windowBuf = Buffer.allocUnsafe(p.maxSize + (1 << 20));
    const buf = m.data ? Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength) : windowBuf;
    let start = 0, end = m.data ? buf.length : 0, eof = !!m.data, size = 0, seals = 0;
    let known = null;
    if (m.known && m.known.length) {
      known = new Set();
      for (let k = 0; k + 32 <= m.known.length; k += 32) known.add(Buffer.from(m.known.buffer, m.known.byteOffset + k, 32).toString('hex'));
    }
    for (;;) {
      if (!eof) {
        if (buf.length - end < (1 << 20)) { buf.copy(buf, 0, start, end); end -= start; start = 0; }
        const n = readSync(fd, buf, end, buf.length - end, null);
        if (n === 0) eof = true;
        end += n;
      }
      while (end > start) {
        const len = cutPoint(buf.subarray(start, end), eof, p.gear, p.maskS, p.maskL, p.minSize, p.avgSize, p.maxSize);
        if (len === 0) break;
        const plain = buf.subarray(start, start + len);
        const id = createHmac('sha256', m.macKey).update(plain).digest();
        // a chunk the item already has is not sealed: only its id goes back (no encryption,
        // so no nonce is spent; the parent finds the stored chunk by id)
        const isKnown = known !== null && known.has(id.toString('hex'));
        if (!isKnown && ++seals > m.maxSeals) {
          parentPort.postMessage({ type: 'error', job: m.job, code: 'BUDGET', message: 'nonce budget' });
          return;
        }
        const s = isKnown ? null : sealOne(m, plain, id);
        while (j.credits <= 0 && !j.cancelled) await new Promise((r) => { j.wake = r; });
        if (j.cancelled) return;
        j.credits -= 1;
        if (s) parentPort.postMessage({ type: 'chunk', job: m.job, id: s.id, nonce: s.nonce, body: s.body, tag: s.tag, plain: len }, [s.body.buffer]);
        else parentPort.postMessage({ type: 'known', job: m.job, id: new Uint8Array(id), plain: len });
        start += len;
        size += len;
      }
      if (eof) break;
    }
    parentPort.postMessage({ type: 'done', job: m.job, size });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
`;

/**
 * What to post for in-memory bytes: a view of shared memory goes as it is (the worker
 * reads the same memory); anything else as an exact-size copy, since cloning a view
 * clones its whole backing buffer (a Buffer's may be a pool shared with other data).
 */
function shareable(data: Uint8Array): Uint8Array {
  return data.buffer instanceof SharedArrayBuffer ? data : new Uint8Array(data);
}

/** A port whose other end is closed: what is posted to it is dropped (see freeNow). */
let dropPort: MessagePort | null = null;

/**
 * Frees a buffer's memory now instead of at V8's next full GC: posting it, in the transfer
 * list, to a closed port detaches it (every view of it becomes empty) and the dropped
 * message lets the memory go. For memory nothing reads any more, such as a sealed chunk a
 * worker sent once its pack write is done. Why: each sealed chunk arrives on this thread
 * as a new ArrayBuffer, and V8 counts external memory allocated since its last full GC
 * against the old generation's limit, so ~1 MiB per chunk of garbage that only a full GC
 * could free started one every few MiB sealed (15-23 per 214 MB synced, each marking the
 * whole heap). A SharedArrayBuffer, or a buffer already detached, is left to the GC.
 */
export function freeNow(buffer: ArrayBufferLike): void {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
  if (!dropPort) {
    dropPort = new MessageChannel().port1;
    dropPort.close();
  }
  dropPort.postMessage(null, [buffer]);
}

export interface SealedChunk {
  id: Buffer;
  /**
   * The sealed chunk in its three parts: nonce, ciphertext, tag (written in this order);
   * null for a chunk listed in the job's `known` ids (not sealed: the item has it stored).
   */
  parts: [Buffer, Buffer, Buffer] | null;
  plain: number;
}

export interface FileJob {
  /** The file to read, or `data`: bytes already in memory (a phone's held upload). */
  path?: string;
  /**
   * In-memory bytes to cut and seal instead of a file. Memory backed by a
   * SharedArrayBuffer is read by the worker in place; other memory is copied once into the
   * message. Never transferred or kept after the job: the caller still owns it.
   */
  data?: Uint8Array;
  key: Buffer;
  macKey: Buffer;
  itemId: string;
  cut: CutParams;
  /** Encryptions the item key may still make (its nonce budget): the worker stops beyond. */
  maxSeals: number;
  /** Chunk ids (32 bytes each, concatenated) the item already has: not sealed again. */
  known?: Uint8Array;
}

/** One chunk of a pack to verify: where it lies, its size before sealing, its id and item. */
export interface VerifyRow {
  offset: number;
  length: number;
  plain: number;
  id: Uint8Array;
  item: string;
}

/** One small file of a batch: read whole and sealed on a worker. */
export interface SmallFile {
  path: string;
  key: Buffer;
  itemId: string;
  /** Encryptions the item key may still make. */
  maxSeals: number;
  /** Size when it was listed: a short first read of exactly this size ends the file (one read, not two). */
  size?: number;
  /** Wrap `key` under sealSmall's `wrapKey` for the item (a new item's key; see SmallResult.wrapped). */
  wrap?: boolean;
  /**
   * The item's fingerprint heads (fingerprint.ts fingerprintHead, fileHead) when this file is
   * all of its item: the worker computes the fingerprint under sealSmall's `fpKey`.
   */
  fp?: [string, string];
}

/** One file of a restore job: written as `tmp` from its chunks (in file order). */
export interface RestoreFileJob {
  tmp: string;
  item: string;
  size: number;
  mode: number | null;
  mtime: number | null;
  /** Per chunk: [index into the job's packs, offset, sealed length, plain length]. */
  chunks: number[];
}

/** Why a restore job stopped at one of its files (null: every file was written). */
export interface RestoreFailure {
  /** Index of the file in the job. */
  file: number;
  /** missing / short: the pack (index into the job's packs); truncated, damaged, length: a chunk; incomplete: the file; io: an fs error. */
  kind: 'missing' | 'short' | 'truncated' | 'damaged' | 'length' | 'incomplete' | 'io';
  pack: number;
  code: string;
  message: string;
}

export type SmallResult =
  /** wrapped: the item key wrapped on the worker, when the file asked for it (SmallFile.wrap). */
  | { size: number; chunks: Array<{ id: Buffer; sealed: Buffer; plain: number }>; wrapped?: Buffer; fp?: Buffer }
  /** GROWN: the file is now bigger than the limit (read it another way); BUDGET: nonce budget reached; else an fs error code. */
  | { error: string; message?: string };

type SmallReply = { error: string; message?: string } | { size: number; chunks: number[]; wrapped?: [number, number]; fp?: number };

type Msg =
  | { type: 'chunk'; job: number; id: Uint8Array; nonce: Uint8Array; body: Uint8Array; tag: Uint8Array; plain: number }
  | { type: 'known'; job: number; id: Uint8Array; plain: number }
  | { type: 'small-done'; job: number; data: Uint8Array; files: SmallReply[] }
  | { type: 'done'; job: number; size: number }
  | { type: 'verify-done'; job: number; bad: number[]; bytes: number }
  | { type: 'restore-done'; job: number; failed: RestoreFailure | null; bytes: number }
  | { type: 'error'; job: number; code: string; message: string };

interface Running {
  worker: Worker;
  inbox: Msg[];
  wake: (() => void) | null;
}

export class SealPool {
  private readonly workers: Worker[] = [];
  /** Jobs posted to each worker and not yet answered (at most DEPTH). */
  private readonly load = new Map<Worker, number>();
  private readonly idle: Array<(w: Worker) => void> = [];
  private readonly jobs = new Map<number, Running>();
  private seq = 0;
  private failed: Error | null = null;

  /** One worker per core, up to two (the main thread's own share of the work is small). */
  constructor(size = Math.max(1, Math.min(2, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      w.on('message', (m: Msg) => {
        const r = this.jobs.get(m.job);
        if (!r) return;
        r.inbox.push(m);
        const wake = r.wake;
        r.wake = null;
        wake?.();
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`seal worker exited with ${code}`));
      });
      this.workers.push(w);
    }
  }

  /** True once a worker crashed or exited: the pool takes no more work (the vault makes a new one). */
  get broken(): boolean {
    return this.failed !== null;
  }

  /**
   * Chunks, MACs and seals one file on a worker; yields its sealed chunks in file order
   * and returns the file's size. Breaking out of the loop cancels the job.
   */
  async *sealFile(job: FileJob): AsyncGenerator<SealedChunk, number> {
    if (this.failed) throw this.failed;
    const worker = await this.acquire();
    if (this.failed) {
      this.release(worker);
      throw this.failed;
    }
    const id = this.seq++;
    const running: Running = { worker, inbox: [], wake: null };
    this.jobs.set(id, running);
    let finished = false;
    try {
      // exact-size copies of the keys: a Buffer view may sit in a shared pool that must not
      // be cloned; postMessage clones them, so the copies are wiped right after
      const key = new Uint8Array(job.key);
      const macKey = new Uint8Array(job.macKey);
      // bytes in ordinary memory go as an exact-size copy that is transferred, not cloned
      // once more: this thread lets that copy go at once instead of at a full GC (freeNow)
      const data = job.data ? shareable(job.data) : null;
      worker.postMessage(
        {
          type: 'job',
          job: id,
          path: job.path ?? null,
          data,
          key,
          macKey,
          itemId: job.itemId,
          cut: job.cut,
          maxSeals: job.maxSeals,
          known: job.known ?? null,
          credits: CREDITS,
        },
        data?.buffer instanceof ArrayBuffer ? [data.buffer] : [],
      );
      key.fill(0);
      macKey.fill(0);
      for (;;) {
        const m = await this.nextMessage(running);
        if (m.type === 'done') {
          finished = true;
          return m.size;
        }
        if (m.type === 'error') {
          finished = true;
          if (m.code === 'BUDGET') throw new KeepsakeError('FORBIDDEN', 'This key has reached its safe number of encryptions; the item must be re-keyed before more data is added.');
          throw Object.assign(new Error(m.message), { code: m.code });
        }
        if (m.type !== 'chunk' && m.type !== 'known') continue;
        worker.postMessage({ type: 'ack', job: id });
        const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
        yield { id: buf(m.id), parts: m.type === 'chunk' ? [buf(m.nonce), buf(m.body), buf(m.tag)] : null, plain: m.plain };
      }
    } finally {
      if (!finished && !this.failed) worker.postMessage({ type: 'cancel', job: id });
      this.jobs.delete(id);
      this.release(worker);
    }
  }

  /**
   * Reads, cuts, MACs and seals a batch of small files (each at most `limit` bytes) on one
   * worker; results in batch order. A file that cannot be read is reported in its slot,
   * not thrown: the others of the batch are still good.
   */
  async sealSmall(files: readonly SmallFile[], macKey: Buffer, cut: CutParams, limit: number, wrapKey?: Buffer, fpKey?: Buffer): Promise<SmallResult[]> {
    if (this.failed) throw this.failed;
    const worker = await this.acquire();
    const id = this.seq++;
    const running: Running = { worker, inbox: [], wake: null };
    this.jobs.set(id, running);
    // every item key of the batch in one array, wiped once the message has copied it
    const keys = new Uint8Array(files.length * 32);
    const macKeyCopy = new Uint8Array(macKey);
    const wrapKeyCopy = wrapKey && files.some((f) => f.wrap) ? new Uint8Array(wrapKey) : null;
    const fpKeyCopy = fpKey && files.some((f) => f.fp) ? new Uint8Array(fpKey) : null;
    try {
      if (this.failed) throw this.failed;
      files.forEach((f, i) => keys.set(f.key, i * 32));
      worker.postMessage({
        type: 'small',
        job: id,
        files: files.map((f) => ({ path: f.path, itemId: f.itemId, maxSeals: f.maxSeals, size: f.size ?? -1, wrap: f.wrap === true, fp: f.fp ?? null })),
        keys,
        macKey: macKeyCopy,
        wrapKey: wrapKeyCopy,
        fpKey: fpKeyCopy,
        cut,
        limit,
      });
      keys.fill(0);
      macKeyCopy.fill(0);
      wrapKeyCopy?.fill(0);
      fpKeyCopy?.fill(0);
      for (;;) {
        const m = await this.nextMessage(running);
        if (m.type === 'error') throw Object.assign(new Error(m.message), { code: m.code });
        if (m.type !== 'small-done') continue;
        const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
        return m.files.map((r): SmallResult => {
          if ('error' in r) return r;
          const chunks: Array<{ id: Buffer; sealed: Buffer; plain: number }> = [];
          for (let c = 0; c + 3 < r.chunks.length; c += 4) {
            const [idAt, sealedAt, sealedLength, plain] = [r.chunks[c]!, r.chunks[c + 1]!, r.chunks[c + 2]!, r.chunks[c + 3]!];
            chunks.push({ id: data.subarray(idAt, idAt + 32), sealed: data.subarray(sealedAt, sealedAt + sealedLength), plain });
          }
          return {
            size: r.size,
            chunks,
            ...(r.wrapped ? { wrapped: data.subarray(r.wrapped[0], r.wrapped[0] + r.wrapped[1]) } : {}),
            ...(r.fp !== undefined ? { fp: data.subarray(r.fp, r.fp + 32) } : {}),
          };
        });
      }
    } finally {
      keys.fill(0);
      wrapKeyCopy?.fill(0);
      fpKeyCopy?.fill(0);
      this.jobs.delete(id);
      this.release(worker);
    }
  }

  /**
   * check --read-data of one pack on a worker: reads it, opens every listed chunk under
   * its item's key (32 bytes per row in `keys`, wiped here once posted) and recomputes its
   * id. Returns the indexes of the rows that failed and the bytes read.
   */
  async verifyPack(job: { path: string; macKey: Buffer; rows: readonly VerifyRow[]; keys: Uint8Array }): Promise<{ bad: number[]; bytes: number }> {
    if (this.failed) throw this.failed;
    const worker = await this.acquire();
    const id = this.seq++;
    const running: Running = { worker, inbox: [], wake: null };
    this.jobs.set(id, running);
    const macKeyCopy = new Uint8Array(job.macKey);
    const ids = new Uint8Array(job.rows.length * 32);
    try {
      if (this.failed) throw this.failed;
      job.rows.forEach((r, i) => ids.set(r.id, i * 32));
      worker.postMessage({
        type: 'verify',
        job: id,
        path: job.path,
        rows: job.rows.map((r) => ({ offset: r.offset, length: r.length, plain: r.plain, item: r.item })),
        ids,
        keys: job.keys,
        macKey: macKeyCopy,
      });
      macKeyCopy.fill(0);
      for (;;) {
        const m = await this.nextMessage(running);
        if (m.type === 'error') throw Object.assign(new Error(m.message), { code: m.code });
        if (m.type === 'verify-done') return { bad: m.bad, bytes: m.bytes };
      }
    } finally {
      job.keys.fill(0);
      this.jobs.delete(id);
      this.release(worker);
    }
  }

  /**
   * Restore of a few files on a worker: each written whole as its `tmp` (see
   * RestoreFileJob); `ids` holds every chunk's 32-byte id in job order and `keys` each
   * file's item key (both wiped here once posted). Answers the first failure or null, and
   * the bytes written. Throws only when the pool broke (the caller redoes the job itself).
   */
  async restoreFiles(job: {
    packs: readonly string[];
    /** Per pack: the end of the last chunk the job reads there (read-ahead stops at it). */
    ends: readonly number[];
    files: readonly RestoreFileJob[];
    ids: Uint8Array;
    keys: Uint8Array;
    readAhead: number;
  }): Promise<{ failed: RestoreFailure | null; bytes: number }> {
    try {
      if (this.failed) throw this.failed;
      const worker = await this.acquire();
      const id = this.seq++;
      const running: Running = { worker, inbox: [], wake: null };
      this.jobs.set(id, running);
      try {
        if (this.failed) throw this.failed;
        worker.postMessage({ type: 'restore', job: id, packs: job.packs, ends: job.ends, files: job.files, ids: job.ids, keys: job.keys, readAhead: job.readAhead });
        job.keys.fill(0);
        for (;;) {
          const m = await this.nextMessage(running);
          if (m.type === 'error') throw Object.assign(new Error(m.message), { code: m.code });
          if (m.type === 'restore-done') return { failed: m.failed, bytes: m.bytes };
        }
      } finally {
        this.jobs.delete(id);
        this.release(worker);
      }
    } finally {
      job.keys.fill(0);
    }
  }

  /** Stops every worker and waits until their threads have exited (nothing of theirs still writes). */
  async shutdown(): Promise<void> {
    const ws = this.workers.splice(0);
    this.fail(new Error('seal pool shut down'));
    await Promise.allSettled(ws.map((w) => w.terminate()));
  }

  /** The job's next message from its worker, waiting for one; the pool's failure if it broke. */
  private async nextMessage(running: Running): Promise<Msg> {
    for (;;) {
      if (this.failed) throw this.failed;
      const m = running.inbox.shift();
      if (m) return m;
      await new Promise<void>((resolve) => {
        running.wake = resolve;
      });
    }
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }

  private acquire(): Promise<Worker> {
    let best: Worker | null = null;
    for (const w of this.workers) if (best === null || (this.load.get(w) ?? 0) < (this.load.get(best) ?? 0)) best = w;
    if (best !== null && (this.load.get(best) ?? 0) < DEPTH) {
      this.load.set(best, (this.load.get(best) ?? 0) + 1);
      return Promise.resolve(best);
    }
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.idle.shift();
    if (next) next(w); // keeps its slot: handed straight to the next job
    else this.load.set(w, Math.max(0, (this.load.get(w) ?? 0) - 1));
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const r of this.jobs.values()) {
      const wake = r.wake;
      r.wake = null;
      wake?.();
    }
  }
}
