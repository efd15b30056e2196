// The cloud copy of the index. [Note: Index snapshot]
// Upload side: sqlite3_serialize (better-sqlite3's db.serialize()) returns a consistent
// point-in-time image of the open index in memory, read through the pager inside one read
// transaction — never a copy of the live file and its WAL (RELIABILITY rule 9), and never
// a plaintext file on disk. The image is cut into fixed-size segments; each is sealed with
// the cloud key and named by a keyed MAC of its contents, so a later sync uploads only the
// segments whose pages changed.
// Restore side: SQLite cannot write a page image into an encrypted file directly here (no
// URI filenames, no sqlite_dbpage), so the image is opened in memory and copied logically
// into a fresh encrypted file attached with the index key: tables (shadow tables of FTS
// included, defensive mode off for that copy only), then indexes, views and triggers, then
// user_version. PRAGMA integrity_check runs on the result before it is used.
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { KeepsakeError } from '../../../../common/errors';
import type { Db } from '../../vault/sql';

export const SEGMENT_BYTES = 1024 * 1024;

/**
 * A point-in-time image of the index, pages in the clear, in memory only. It waits until
 * the connection is outside a transaction: serialize on the same connection would
 * otherwise include pages of a write that has not committed yet.
 */
export async function snapshotIndex(db: Db, signal?: AbortSignal, atPointInTime?: () => void): Promise<Buffer> {
  for (let waited = 0; db.inTransaction; waited += 10) {
    if (signal?.aborted) throw new KeepsakeError('CANCELLED', 'The cloud sync was cancelled.');
    if (waited > 120_000) throw new KeepsakeError('CONFLICT', 'The vault stayed busy writing for two minutes; the cloud copy will be taken at the next sync.');
    await new Promise((r) => setTimeout(r, 10));
  }
  // Same tick as serialize: whatever the caller reads here belongs to the same state.
  atPointInTime?.();
  return db.serialize();
}

export function segments(image: Buffer, size = SEGMENT_BYTES): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < image.length; off += size) out.push(image.subarray(off, off + size));
  return out;
}

const CREATE = /^(\s*CREATE\s+(?:UNIQUE\s+|VIRTUAL\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?)/i;
const quote = (n: string): string => `"${n.replace(/"/g, '""')}"`;

/**
 * Writes `image` (from snapshotIndex) as a new encrypted index at `destPath`, keyed the way
 * the vault opens its index (SQLCipher v4 settings, raw 32-byte key).
 */
export function writeIndexFromImage(image: Buffer, destPath: string, indexKey: Buffer): void {
  if (existsSync(destPath)) throw new KeepsakeError('CONFLICT', 'An index already exists where the restored one should go.');
  const img = Buffer.from(image);
  // A WAL-mode image cannot be opened in memory; mark it rollback-journal (bytes 18-19).
  if (img.length >= 100 && img[18] === 2) {
    img[18] = 1;
    img[19] = 1;
  }
  let mem: Db;
  try {
    mem = new Database(img);
    mem.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch {
    throw new KeepsakeError('CORRUPT', 'The cloud copy of the index is not a readable database.');
  }
  try {
    mem.unsafeMode(true);
    // Tables are copied in schema order, not dependency order: check references at the end.
    mem.pragma('foreign_keys=OFF');
    mem.pragma(`cipher='sqlcipher'`);
    mem.pragma('legacy=4');
    mem.prepare('ATTACH DATABASE ? AS enc KEY ?').run(destPath, `x'${indexKey.toString('hex')}'`);
    mem.pragma(`enc.cipher='sqlcipher'`);
    const kinds = mem.prepare(`SELECT name, type FROM pragma_table_list WHERE schema = 'main'`).all() as Array<{ name: string; type: string }>;
    const shadow = new Set(kinds.filter((k) => k.type === 'shadow').map((k) => k.name));
    const rows = mem.prepare(`SELECT type, name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid`).all() as Array<{ type: string; name: string; sql: string }>;
    mem.transaction(() => {
      for (const r of rows) {
        if (r.type === 'table' && !r.name.startsWith('sqlite_') && !shadow.has(r.name)) mem.exec(r.sql.replace(CREATE, '$1enc.'));
      }
      for (const k of kinds) {
        if (k.type !== 'table' && k.type !== 'shadow') continue;
        if (k.name.startsWith('sqlite_') && k.name !== 'sqlite_sequence') continue;
        mem.exec(`DELETE FROM enc.${quote(k.name)}; INSERT INTO enc.${quote(k.name)} SELECT * FROM main.${quote(k.name)}`);
      }
      for (const r of rows) if (r.type !== 'table') mem.exec(r.sql.replace(CREATE, '$1enc.'));
    })();
    const version = Number(mem.pragma('main.user_version', { simple: true }));
    const appId = Number(mem.pragma('main.application_id', { simple: true }));
    mem.pragma(`enc.user_version=${Math.trunc(version)}`);
    mem.pragma(`enc.application_id=${Math.trunc(appId)}`);
    const check = mem.pragma('enc.integrity_check', { simple: true });
    if (check !== 'ok') throw new KeepsakeError('CORRUPT', 'The restored index failed its integrity check.');
    if ((mem.pragma('enc.foreign_key_check') as unknown[]).length > 0) throw new KeepsakeError('CORRUPT', 'The restored index has broken references.');
    mem.exec('DETACH DATABASE enc');
  } catch (e) {
    mem.close();
    rmSync(destPath, { force: true });
    if (e instanceof KeepsakeError) throw e;
    throw new KeepsakeError('CORRUPT', `The cloud copy of the index could not be restored (${(e as Error).message}).`);
  }
  mem.close();
}
