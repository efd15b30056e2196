// The size, SHA-256 and MD5 of each local pack file, remembered in the encrypted index
// (table cloud_pack_digests, migration 0980, written only by the cloud module), so a pack is hashed once
// ever rather than once per target and per sync: a second target, a sync after one that
// failed half-way, or a target whose records were reset reuse them. Packs never change
// once written (tmp → fsync → rename under a fresh id), so a row is trusted only for the
// same id, size and modification time; a pack whose upload fails is forgotten here and
// hashed afresh next time. Rows are written in one transaction per sync (one fsync, not
// one per pack), and rows of packs that are gone from the folder are dropped then.
// It is a cache: losing it costs hashing again, never data; if it were ever wrong, the
// server's ETag (or the read-back) would not match and the pack would not count as sent.
import { cloudPackDigests } from '../../vault/migrations/0980-cloud-pack-digests';
import { all, run, sql, type Db } from '../../vault/sql';
import type { Digests } from '../hashing';
import type { LocalPack } from './local-packs';

interface Row {
  pack_id: string;
  size: number;
  mtime_ms: number;
  sha256: string;
  md5: string;
}

export class PackDigests {
  private readonly known = new Map<string, Row>();
  private readonly fresh = new Map<string, Row>();
  private readonly forgotten = new Set<string>();

  /** False when the table could not be made or read (a busy or read-only index): then nothing is remembered. */
  private readonly usable: boolean;

  constructor(private readonly db: Db) {
    try {
      cloudPackDigests.up(db); // already there in every vault migrated past 0980; idempotent
      for (const r of all<Row>(db, sql`SELECT pack_id, size, mtime_ms, sha256, md5 FROM cloud_pack_digests`)) this.known.set(r.pack_id, r);
      this.usable = true;
    } catch {
      // A cache: the sync goes on and hashes every pack it sends.
      this.usable = false;
    }
  }

  /** The remembered digests of this exact pack file (MD5 too when `md5`), or null. */
  lookup(pack: LocalPack, md5: boolean): Digests | null {
    const r = this.fresh.get(pack.id) ?? this.known.get(pack.id);
    if (!r || this.forgotten.has(pack.id) || r.size !== pack.size || r.mtime_ms !== mtimeOf(pack)) return null;
    if (md5 && !r.md5) return null;
    return { size: r.size, sha256: r.sha256, md5: md5 ? r.md5 : '' };
  }

  /** Keeps what the hash workers computed, to be written by flush(). */
  remember(pack: LocalPack, d: Digests): void {
    if (d.size !== pack.size) return; // the file changed while it was read: not worth keeping
    this.forgotten.delete(pack.id);
    this.fresh.set(pack.id, { pack_id: pack.id, size: d.size, mtime_ms: mtimeOf(pack), sha256: d.sha256, md5: d.md5 });
  }

  /** A pack whose upload did not verify: its row goes, and it is hashed again next time. */
  forget(packId: string): void {
    this.fresh.delete(packId);
    this.forgotten.add(packId);
  }

  /** Writes new rows and drops forgotten ones and (given the local pack list) those of packs that are gone. */
  flush(live?: ReadonlyArray<LocalPack>): void {
    if (!this.usable) return;
    const liveIds = live ? new Set(live.map((p) => p.id)) : null;
    const gone = liveIds ? [...this.known.keys()].filter((id) => !liveIds.has(id)) : [];
    if (this.fresh.size === 0 && this.forgotten.size === 0 && gone.length === 0) return;
    this.db.transaction(() => {
      for (const id of [...this.forgotten, ...gone]) run(this.db, sql`DELETE FROM cloud_pack_digests WHERE pack_id = ${id}`);
      for (const r of this.fresh.values()) {
        run(this.db, sql`INSERT INTO cloud_pack_digests (pack_id, size, mtime_ms, sha256, md5) VALUES (${r.pack_id}, ${r.size}, ${r.mtime_ms}, ${r.sha256}, ${r.md5})
          ON CONFLICT (pack_id) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256, md5 = excluded.md5`);
      }
    })();
    for (const id of [...this.forgotten, ...gone]) this.known.delete(id);
    for (const [id, r] of this.fresh) this.known.set(id, r);
    this.fresh.clear();
    this.forgotten.clear();
  }
}

function mtimeOf(pack: LocalPack): number {
  return Math.trunc(pack.mtimeMs);
}
