// The floor under issue 3's first-backup targets: the least work any backup with the
// vault's required cryptography can do on this machine for the bench's data set — every
// file read, cut with keepsake's own content-defined chunker, each chunk MACed
// (HMAC-SHA256) and sealed (AES-256-GCM under a per-file key) on two worker threads, one
// per core. Like the intake bench's SQLite floor, it says what no backup can go under here,
// so "≤ 0.5× restic" and "≤ 1.5× the read floor" can be read against it. Each variant adds
// one layer, and runs in a fresh process:
//   node bin/tsx.mjs bench/vault-floor.ts <data dir> <variant> <work dir>  → one JSON line
// Variants:
//   crypto  read + cut + MAC + seal on two workers; the sealed bytes are dropped
//   packs   crypto + sealed chunks appended to 16 MiB pack files (fsync, rename, fsync dir)
//   index   packs + an encrypted index (openIndexDb: SQLCipher, WAL, synchronous=FULL) with
//           one row per chunk and one per file (path, size, wrapped key, chunk list), written
//           on the main thread in 5,000-file transactions: what restic's design stores,
//           plus the per-file key — none of keepsake's items, versions, sources, copies,
//           search index, file cache or snapshot rows
//   items   index + what the items and snapshots need at the least: the file's name
//           in a full-text index (FTS5, detail=column, the '2 3' prefixes two-letter search
//           needs, secure-delete, as keepsake's) and a snapshot row per file
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Chunker, cutPoint } from '../main/core/vault/chunker';
import { openIndexDb } from '../main/core/vault/index-db';
import { filesUnder } from './fresh-process';

export type VaultFloorVariant = 'crypto' | 'packs' | 'index' | 'items';
export const VAULT_FLOOR_VARIANTS: VaultFloorVariant[] = ['crypto', 'packs', 'index', 'items'];
export const VAULT_FLOOR_LABELS: Record<VaultFloorVariant, string> = {
  crypto: 'read + CDC + HMAC + AES-GCM, 2 workers',
  packs: '+ durable 16 MiB packs',
  index: '+ encrypted index, a row per file and chunk',
  items: '+ names searchable, a snapshot row per file',
};

const BATCH_FILES = 64;
const TXN_FILES = 5_000;

// The worker: pulls batches of paths, answers with each file's chunks. Plain JS (eval'd),
// with the vault's own cutPoint source so the cuts are keepsake's.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createCipheriv, createHmac, randomBytes } = require('node:crypto');
const { openSync, readSync, writeSync, fsyncSync, closeSync, renameSync, fstatSync } = require('node:fs');
const cutPoint = ${cutPoint.toString()};
const { p, macKey, wrapKey, packs, dir, me } = workerData;
const PACK = 16 * 1024 * 1024;
let buf = Buffer.allocUnsafe(16 * 1024 * 1024);
let fd = -1, packNo = 0, packAt = 0, tmp = '';
function roll() {
  if (fd >= 0) { fsyncSync(fd); closeSync(fd); renameSync(tmp, tmp.slice(0, -4)); }
  packNo++; tmp = dir + '/w' + me + '-' + packNo + '.pack.tmp'; fd = openSync(tmp, 'w', 0o600); packAt = 0;
}
function store(parts) {
  if (!packs) return [0, 0];
  if (fd < 0 || packAt >= PACK) roll();
  const at = packAt;
  for (const b of parts) { writeSync(fd, b); packAt += b.length; }
  return [packNo, at];
}
parentPort.on('message', (m) => {
  if (m.done) {
    if (fd >= 0) { fsyncSync(fd); closeSync(fd); renameSync(tmp, tmp.slice(0, -4)); fd = -1; }
    parentPort.postMessage({ closed: true });
    return;
  }
  const out = [];
  for (const path of m.paths) {
    const f = openSync(path, 'r');
    let size = fstatSync(f).size;
    if (buf.length < size) buf = Buffer.allocUnsafe(size);
    let n = 0, r;
    while (n < size && (r = readSync(f, buf, n, size - n, null)) > 0) n += r;
    closeSync(f);
    size = n;
    const key = randomBytes(32);
    const w = createCipheriv('aes-256-gcm', wrapKey, randomBytes(12));
    const wrapped = Buffer.concat([w.update(key), w.final(), w.getAuthTag()]);
    const chunks = [];
    for (let at = 0; at < size; ) {
      const len = cutPoint(buf.subarray(at, size), true, p.gear, p.maskS, p.maskL, p.minSize, p.avgSize, p.maxSize);
      const plain = buf.subarray(at, at + len);
      const id = createHmac('sha256', macKey).update(plain).digest();
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(id);
      const body = c.update(plain);
      c.final();
      const [pack, off] = store([nonce, body, c.getAuthTag()]);
      chunks.push({ id, pack: me * 1e6 + pack, off, len: len + 28 });
      at += len;
    }
    out.push({ path, size, wrapped, chunks });
  }
  parentPort.postMessage({ files: out });
});
`;

interface FileRow {
  path: string;
  size: number;
  wrapped: Uint8Array;
  chunks: Array<{ id: Uint8Array; pack: number; off: number; len: number }>;
}

export async function runVaultFloor(data: string, variant: VaultFloorVariant, work: string): Promise<{ cpuSeconds: number; wallSeconds: number; peakRssMb: number; files: number; chunks: number }> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const files = filesUnder(data);
  const p = new Chunker(undefined, randomBytes(32)).cutParams;
  const shared = { p, macKey: randomBytes(32), wrapKey: randomBytes(32), packs: variant !== 'crypto', dir: work };
  const db = variant === 'index' || variant === 'items' ? openIndexDb(join(work, 'index.db'), randomBytes(32), { migrations: [] }) : null;
  db?.exec(`CREATE TABLE chunks (id BLOB PRIMARY KEY, pack INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, wrapped_key BLOB NOT NULL, chunk_ids BLOB NOT NULL)`);
  if (variant === 'items') {
    db!.exec(`CREATE VIRTUAL TABLE files_fts USING fts5 (name, content = 'files', content_rowid = 'id', detail = column, prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO files_fts (files_fts, rank) VALUES ('secure-delete', 1);
      ALTER TABLE files ADD COLUMN name TEXT NOT NULL DEFAULT '';
      CREATE TRIGGER files_fts_insert AFTER INSERT ON files BEGIN INSERT INTO files_fts (rowid, name) VALUES (new.id, new.name); END;
      CREATE TABLE snapshots (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE snapshot_files (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id), file_id INTEGER NOT NULL REFERENCES files (id), PRIMARY KEY (snapshot_id, file_id)) WITHOUT ROWID;
      INSERT INTO snapshots (id, created_at) VALUES (1, 0);`);
  }
  const addChunk = db?.prepare('INSERT OR IGNORE INTO chunks (id, pack, off, len) VALUES (?, ?, ?, ?)');
  const addFile =
    variant === 'items'
      ? db!.prepare('INSERT INTO files (path, size, wrapped_key, chunk_ids, name) VALUES (?, ?, ?, ?, ?)')
      : db?.prepare('INSERT INTO files (path, size, wrapped_key, chunk_ids) VALUES (?, ?, ?, ?)');
  const addToSnapshot = variant === 'items' ? db!.prepare('INSERT INTO snapshot_files (snapshot_id, file_id) VALUES (1, ?)') : null;
  let pending: FileRow[] = [];
  let chunkCount = 0;
  const flush = (): void => {
    const rows = pending;
    pending = [];
    if (!db) return;
    db.transaction(() => {
      for (const f of rows) {
        for (const c of f.chunks) addChunk!.run(c.id, c.pack, c.off, c.len);
        const ids = Buffer.concat(f.chunks.map((c) => c.id));
        if (!addToSnapshot) {
          addFile!.run(f.path, f.size, f.wrapped, ids);
          continue;
        }
        addToSnapshot.run(addFile!.run(f.path, f.size, f.wrapped, ids, basename(f.path)).lastInsertRowid);
      }
    })();
  };
  let next = 0;
  const workers = [0, 1].map((me) => new Worker(WORKER, { eval: true, workerData: { ...shared, me } }));
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.on('error', reject);
          const feed = (): void => {
            if (next >= files.length) {
              w.postMessage({ done: true });
              return;
            }
            w.postMessage({ paths: files.slice(next, next + BATCH_FILES) });
            next += BATCH_FILES;
          };
          w.on('message', (m: { files?: FileRow[]; closed?: boolean }) => {
            if (m.closed) return resolve();
            feed(); // keep the worker busy before indexing what it sent
            for (const f of m.files ?? []) {
              chunkCount += f.chunks.length;
              pending.push(f);
            }
            if (pending.length >= TXN_FILES) flush();
          });
          feed();
        }),
    ),
  );
  flush();
  db?.close();
  if (variant !== 'crypto') {
    const dirFd = openSync(work, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0); // all threads of this process
  await Promise.all(workers.map((w) => w.terminate()));
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds, peakRssMb: hwm ? Number(hwm[1]) / 1024 : 0, files: files.length, chunks: chunkCount };
}

if (process.argv[1]?.endsWith('vault-floor.ts')) {
  const [data, variant, work] = process.argv.slice(2);
  if (!data || !work || !VAULT_FLOOR_VARIANTS.includes(variant as VaultFloorVariant)) {
    console.error(`usage: vault-floor.ts <data dir> <${VAULT_FLOOR_VARIANTS.join('|')}> <work dir>`);
    process.exit(2);
  }
  const r = await runVaultFloor(data, variant as VaultFloorVariant, work);
  rmSync(work, { recursive: true, force: true });
  console.log(JSON.stringify(r));
}
