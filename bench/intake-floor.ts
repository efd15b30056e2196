// The SQLite floor under issue 4's import target: the least work any importer can do on
// this machine to keep N messages in an encrypted, full-text-indexed, idempotent index —
// one table, no item keys, no sources/copies rows, no fingerprints — written the way
// keepsake writes (openIndexDb's encrypted connection and pragmas, the 256 MiB bulk
// cache, 25,000 messages a transaction). Like the cloud bench's server floor, it says
// what no client can go under here, so a missed target can be read as "how far above the
// floor" rather than guessed at. Run one variant per fresh process:
//   node bin/tsx.mjs bench/intake-floor.ts <count> <variant> <dir>  → one JSON line
// Variants (all encrypted, WAL, synchronous=FULL, secure_delete, one writer thread):
//   lean     time-ordered idempotency key (date first), FTS5 detail=column, no prefix indexes
//   rows     lean without FTS: what the rows and the key alone cost
//   keepsake random-order keyed-MAC key and FTS5 with the '2 3' prefix indexes issue 7's
//            two-letter search needs: the floor under keepsake's own design choices
import { createHmac, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openIndexDb } from '../main/core/vault/index-db';
import { BULK_CACHE_KIB } from '../main/core/vault/record-store';

export type FloorVariant = 'lean' | 'rows' | 'keepsake';
export const FLOOR_VARIANTS: FloorVariant[] = ['lean', 'rows', 'keepsake'];
const BATCH = 25_000;

/** The same message the intake bench's generated XML holds for index n. */
function message(n: number): { address: string; date: number; type: number; body: string } {
  return { address: `+1555${String(n % 9_999_991).padStart(7, '0')}`, date: 1_600_000_000_000 + n * 1000, type: 1 + (n % 2), body: `Message ${n} about dinner plans, the weather & a photo from the trip` };
}

export function runFloor(count: number, variant: FloorVariant, dir: string): { cpuSeconds: number; wallSeconds: number } {
  const path = join(dir, `floor-${variant}.db`);
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  const db = openIndexDb(path, randomBytes(32), { migrations: [] });
  db.pragma(`cache_size=-${BULK_CACHE_KIB}`);
  db.exec('CREATE TABLE msgs (id INTEGER PRIMARY KEY, source_key BLOB NOT NULL UNIQUE, address TEXT NOT NULL, date INTEGER NOT NULL, type INTEGER NOT NULL, body TEXT NOT NULL)');
  if (variant !== 'rows') {
    db.exec(`CREATE VIRTUAL TABLE msgs_fts USING fts5 (body, content = 'msgs', content_rowid = 'id', detail = column, ${variant === 'keepsake' ? "prefix = '2 3', " : ''}tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO msgs_fts (msgs_fts, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER msgs_fts_insert AFTER INSERT ON msgs BEGIN INSERT INTO msgs_fts (rowid, body) VALUES (new.id, new.body); END;`);
  }
  const insert = db.prepare('INSERT INTO msgs (id, source_key, address, date, type, body) VALUES (?, ?, ?, ?, ?, ?)');
  const macKey = randomBytes(32);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let from = 0; from < count; from += BATCH) {
    db.transaction(() => {
      for (let n = from; n < Math.min(count, from + BATCH); n++) {
        const m = message(n);
        const mac = createHmac('sha256', macKey).update(`${m.address}\u0000${m.date}\u0000${m.type}\u0000${m.body}`).digest();
        let key = mac;
        if (variant !== 'keepsake') {
          key = Buffer.alloc(24); // date first: the unique index takes appends
          key.writeBigInt64BE(BigInt(m.date));
          mac.copy(key, 8, 0, 16);
        }
        insert.run(n + 1, key, m.address, m.date, m.type, m.body);
      }
    })();
  }
  const cpu = process.cpuUsage(c0);
  const wallSeconds = (performance.now() - t0) / 1000;
  db.close();
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds };
}

if (process.argv[1]?.endsWith('intake-floor.ts')) {
  const [count, variant, dir] = process.argv.slice(2);
  if (!count || !FLOOR_VARIANTS.includes(variant as FloorVariant) || !dir) throw new Error('usage: intake-floor.ts <count> <lean|rows|keepsake> <dir>');
  console.log(JSON.stringify(runFloor(Number(count), variant as FloorVariant, dir)));
}
