// The index copy as page segments in bundles (index-bundles.ts): a real encrypted index
// (SQLCipher settings, as the vault opens it) is snapshotted, planned, and rebuilt from
// what would be uploaded. Checks: unchanged pages are carried over and only changed ones
// sent; SQLCipher's per-page reserved bytes do not make unchanged pages look changed; a
// mostly-dead bundle is packed again; "fresh" (after an erasure) carries nothing; a table,
// a bundle or a segment that does not match is refused as CORRUPT; and a copy in the
// older one-object-per-segment form still restores.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentMac, deriveCloudKeys, objectName, seal, sha256 } from '../../../main/core/cloud/mirror/cloud-crypto';
import { assembleIndex, clearReservedBytes, planIndex, type IndexPlan } from '../../../main/core/cloud/mirror/index-bundles';
import { segments, snapshotIndex } from '../../../main/core/cloud/mirror/index-snapshot';
import type { Manifest, ObjectRef } from '../../../main/core/cloud/mirror/manifest';
import { openIndexDb } from '../../../main/core/vault/index-db';
import type { Db } from '../../../main/core/vault/sql';

const keys = deriveCloudKeys(randomBytes(32));
const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function encryptedIndex(rows: number): Db {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-bundles-'));
  dirs.push(dir);
  const db = openIndexDb(join(dir, 'index.db'), randomBytes(32));
  dbs.push(db);
  db.exec('CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)');
  const ins = db.prepare('INSERT INTO notes(id, body) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) ins.run(i, `note ${i} ${randomBytes(60).toString('hex')}`);
  })();
  return db;
}

async function image(db: Db): Promise<Buffer> {
  const img = await snapshotIndex(db);
  clearReservedBytes(img);
  return img;
}

/** What the target would hold after uploading a plan: name → sealed bytes. */
function store(plan: IndexPlan, into = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const u of plan.uploads) into.set(u.ref.name, u.sealed);
  return into;
}

const fetchFrom = (objects: Map<string, Buffer>) => async (ref: ObjectRef): Promise<Buffer> => {
  const b = objects.get(ref.name);
  if (!b || b.length !== ref.size || sha256(b) !== ref.sha256) throw new Error(`missing or different: ${ref.name}`);
  return b;
};

const everything = (): boolean => true;

describe('index bundles', () => {
  it('a sync after a small change sends only the changed pages and rebuilds the image byte for byte', async () => {
    const db = encryptedIndex(4000);
    const first = await image(db);
    const plan1 = planIndex(keys, first, { previous: null, usable: everything, fresh: false });
    expect(plan1.segmentsNew).toBeGreaterThan(plan1.segmentsTotal / 2);
    const objects = store(plan1);
    expect((await assembleIndex(keys, plan1.index, fetchFrom(objects), () => undefined)).equals(first)).toBe(true);

    db.prepare('UPDATE notes SET body = ? WHERE id = 1234').run('changed');
    const second = await image(db);
    const plan2 = planIndex(keys, second, { previous: plan1.index, usable: everything, fresh: false });
    expect(plan2.segmentsNew).toBeGreaterThan(0);
    expect(plan2.segmentsNew).toBeLessThan(8); // the changed leaf, its parents, the header page
    expect(plan2.uploads.reduce((n, u) => n + u.sealed.length, 0)).toBeLessThan(64 * 1024);
    store(plan2, objects);
    expect((await assembleIndex(keys, plan2.index, fetchFrom(objects), () => undefined)).equals(second)).toBe(true);
  });

  it('zeroes SQLCipher\'s per-page reserved bytes, which differ between copies of unchanged pages', async () => {
    const db = encryptedIndex(2000);
    const raw = await snapshotIndex(db);
    const reserved = raw[20]!;
    expect(reserved).toBeGreaterThan(0); // the vault's cipher settings keep an IV and MAC per page
    const pageSize = raw.readUInt16BE(16);
    clearReservedBytes(raw);
    for (let end = pageSize; end <= raw.length; end += pageSize) expect(raw.subarray(end - reserved, end).every((b) => b === 0)).toBe(true);
    // Still a readable database with the same rows.
    const plan = planIndex(keys, raw, { previous: null, usable: everything, fresh: false });
    expect((await assembleIndex(keys, plan.index, fetchFrom(store(plan)), () => undefined)).equals(raw)).toBe(true);
    // Not a database: left alone.
    const other = Buffer.alloc(8192, 7);
    clearReservedBytes(other);
    expect(other.every((b) => b === 7)).toBe(true);
  });

  it('carries nothing over when asked for a fresh copy (after an erasure) or when the old bundles are not known to be there', async () => {
    const db = encryptedIndex(3000);
    const img = await image(db);
    const plan1 = planIndex(keys, img, { previous: null, usable: everything, fresh: false });
    const fresh = planIndex(keys, img, { previous: plan1.index, usable: everything, fresh: true });
    // Every page is packed anew; a bundle that comes out the same as one already there (same
    // pages, so same name) is named, not overwritten — the previous manifest still opens it.
    expect(fresh.segmentsNew).toBe(plan1.segmentsNew);
    expect(fresh.uploads).toEqual([]);
    expect(fresh.index.segments).toEqual(plan1.index.segments);
    db.prepare('DELETE FROM notes WHERE id < 100').run();
    const erased = planIndex(keys, await image(db), { previous: plan1.index, usable: everything, fresh: true });
    // After an erasure every bundle named holds only pages of the new image: no dead page.
    const table = Buffer.from(erased.index.table!, 'base64');
    const live = new Map<number, Set<number>>();
    for (let i = 0; i < erased.segmentsTotal; i++) {
      const bundle = table.readUInt32BE(i * 24 + 16);
      live.set(bundle, (live.get(bundle) ?? new Set()).add(table.readUInt32BE(i * 24 + 20)));
    }
    erased.index.segments.forEach((ref, bundle) => expect((live.get(bundle)?.size ?? 0) * 4096).toBe(ref.size - 29));
  });

  it('packs a bundle again when less than half of it is still alive, so dead pages never outweigh live ones', async () => {
    const db = encryptedIndex(6000);
    const plan1 = planIndex(keys, await image(db), { previous: null, usable: everything, fresh: false, bundleBytes: 64 * 1024 });
    const objects = store(plan1);
    // Rewrite most rows: most pages of every early bundle change.
    db.prepare('UPDATE notes SET body = body || ? WHERE id % 10 != 0').run('x');
    const img2 = await image(db);
    const plan2 = planIndex(keys, img2, { previous: plan1.index, usable: everything, fresh: false, bundleBytes: 64 * 1024 });
    store(plan2, objects);
    expect((await assembleIndex(keys, plan2.index, fetchFrom(objects), () => undefined)).equals(img2)).toBe(true);
    const table = Buffer.from(plan2.index.table!, 'base64');
    const live = new Map<number, number>();
    for (let i = 0; i < plan2.segmentsTotal; i++) {
      const b = table.readUInt32BE(i * 24 + 16);
      live.set(b, (live.get(b) ?? 0) + 4096);
    }
    // Every bundle the new copy names is at least half alive (distinct pages; the last one may be short).
    plan2.index.segments.forEach((ref, b) => expect((live.get(b) ?? 0) * 2).toBeGreaterThanOrEqual(ref.size - 29 - 4096));
  });

  it('refuses a damaged table, a bundle swapped for another, and a segment that does not match its MAC', async () => {
    const db = encryptedIndex(2000);
    const img = await image(db);
    const plan = planIndex(keys, img, { previous: null, usable: everything, fresh: false, bundleBytes: 128 * 1024 });
    const objects = store(plan);
    const fetch = fetchFrom(objects);
    const short: Manifest['index'] = { ...plan.index, table: plan.index.table!.slice(0, -8) };
    await expect(assembleIndex(keys, short, fetch, () => undefined)).rejects.toMatchObject({ code: 'CORRUPT' });
    expect(plan.index.segments.length).toBeGreaterThan(1);
    const swapped: Manifest['index'] = { ...plan.index, segments: [plan.index.segments[1]!, plan.index.segments[0]!, ...plan.index.segments.slice(2)] };
    await expect(assembleIndex(keys, swapped, fetch, () => undefined)).rejects.toMatchObject({ code: 'CORRUPT' });
    const table = Buffer.from(plan.index.table!, 'base64');
    // Entry = MAC(16) ‖ bundle(4) ‖ offset(4): segment 3 now points at the page after its own.
    table.writeUInt32BE(table.readUInt32BE(20 + 24 * 3) + 4096, 20 + 24 * 3);
    const moved: Manifest['index'] = { ...plan.index, table: table.toString('base64') };
    await expect(assembleIndex(keys, moved, fetch, () => undefined)).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('still restores a copy made before bundles (one sealed object per segment, no table)', async () => {
    const db = encryptedIndex(1500);
    const img = await image(db);
    const objects = new Map<string, Buffer>();
    const refs = segments(img, 65536).map((seg) => {
      const mac = contentMac(keys, seg);
      const sealed = seal(keys, 'index-segment', `index-segment/${mac}`, seg);
      const name = objectName(keys, `index-segment/${mac}`);
      objects.set(name, sealed);
      return { name, size: sealed.length, sha256: sha256(sealed), mac };
    });
    const index: Manifest['index'] = { size: img.length, segmentSize: 65536, segments: refs };
    expect((await assembleIndex(keys, index, fetchFrom(objects), () => undefined)).equals(img)).toBe(true);
  });
});
