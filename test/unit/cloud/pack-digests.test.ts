// Pack digests are computed once ever: remembered in the index per pack id, size and
// modification time, reused by a sync to a second target, and dropped when a pack is gone
// or its upload did not verify. A wrong remembered MD5 cannot make a pack count as sent:
// the ETag no longer matches, so the object is checked by HEAD and read back instead.
import { randomBytes } from 'node:crypto';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveCloudKeys, objectName } from '../../../main/core/cloud/mirror/cloud-crypto';
import { listLocalPacks } from '../../../main/core/cloud/mirror/local-packs';
import { PackDigests } from '../../../main/core/cloud/mirror/pack-digests';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { openIndexDb } from '../../../main/core/vault/index-db';
import { all, run, sql } from '../../../main/core/vault/sql';
import { digestsOf } from '../../../main/core/cloud/hashing';
import { startRig, type TargetRig } from './helpers';
import { fastRetry } from './mirror-helpers';
import { ObservedTarget } from './observed-target';
import { syntheticVault, type SyntheticVault } from './synthetic-source';

let sv: SyntheticVault | null = null;
const rigs: TargetRig[] = [];
afterEach(async () => {
  sv?.close();
  sv = null;
  for (const r of rigs.splice(0)) await r.close();
});

const rows = (v: SyntheticVault): Array<{ pack_id: string; size: number; sha256: string; md5: string }> =>
  all(v.source.db, sql`SELECT pack_id, size, sha256, md5 FROM cloud_pack_digests ORDER BY pack_id`);

describe('PackDigests', () => {
  it('remembers digests per pack id, size and mtime, and drops forgotten and vanished packs', async () => {
    sv = syntheticVault(3, 2048);
    const packs = await listLocalPacks(sv.source.packsDir);
    const [a, b, c] = packs as [(typeof packs)[0], (typeof packs)[0], (typeof packs)[0]];
    const d = (p: typeof a): ReturnType<typeof digestsOf> => digestsOf(readFileSync(p.path));
    const first = new PackDigests(sv.source.db);
    expect(first.lookup(a, true)).toBeNull();
    first.remember(a, d(a));
    first.remember(b, { ...d(b), md5: '' }); // hashed for a target without server checksums
    first.remember(c, { ...d(c), size: c.size + 1 }); // the file changed while read: not kept
    expect(first.lookup(a, true)).toEqual(d(a));
    first.flush(packs);

    const second = new PackDigests(sv.source.db);
    expect(second.lookup(a, true)).toEqual(d(a));
    expect(second.lookup(b, false)).toEqual({ ...d(b), md5: '' });
    expect(second.lookup(b, true)).toBeNull(); // MD5 needed but never computed
    expect(second.lookup(c, false)).toBeNull();
    expect(second.lookup({ ...a, size: a.size + 1 }, true)).toBeNull();
    utimesSync(a.path, new Date(), new Date(Date.now() + 5000));
    const [touched] = (await listLocalPacks(sv.source.packsDir)).filter((p) => p.id === a.id);
    expect(second.lookup(touched!, true)).toBeNull(); // a new mtime: not the same file for us

    second.forget(b.id);
    second.flush(packs.filter((p) => p.id !== a.id)); // a is gone from the folder
    expect(rows(sv)).toEqual([]);
  });

  it('on an index it cannot use, remembers nothing and does not throw (the sync then hashes every pack)', async () => {
    sv = syntheticVault(1, 1024);
    const [pack] = await listLocalPacks(sv.source.packsDir);
    const db = openIndexDb(join(sv.root, 'other.db'), randomBytes(32));
    db.close();
    const digests = new PackDigests(db);
    digests.remember(pack!, digestsOf(readFileSync(pack!.path)));
    expect(() => digests.flush([pack!])).not.toThrow();
    expect(new PackDigests(sv.source.db).lookup(pack!, true)).toBeNull();
  });

  it('a second target reuses the first sync\'s digests; a wrong MD5 only costs a HEAD and a read-back', async () => {
    sv = syntheticVault(6, 4096);
    const one = await startRig('s3');
    const two = await startRig('s3');
    rigs.push(one, two);
    await syncToTarget(sv.source, { targetId: sv.targetId, target: one.target, store: sv.store, retry: fastRetry });
    const remembered = rows(sv);
    expect(remembered.map((r) => r.pack_id)).toEqual([...sv.packIds].sort());
    for (const r of remembered) {
      const want = digestsOf(readFileSync(join(sv.source.packsDir, r.pack_id.slice(0, 2), `${r.pack_id}.pack`)));
      expect(r).toMatchObject({ size: want.size, sha256: want.sha256, md5: want.md5 });
    }
    // Damage one remembered MD5: if the second sync hashed the packs itself it would not see it.
    const victim = remembered[0]!.pack_id;
    run(sv.source.db, sql`UPDATE cloud_pack_digests SET md5 = ${'0'.repeat(32)} WHERE pack_id = ${victim}`);
    const secondId = sv.store.add({ kind: 'folder', path: '/unused-second' }, {}).id;
    const observed = new ObservedTarget(two.target);
    const report = await syncToTarget(sv.source, { targetId: secondId, target: observed, store: sv.store, retry: fastRetry });
    expect(report.packs).toEqual({ total: 6, uploaded: 6 });
    // Only the pack with the damaged MD5 needed the HEAD (its ETag did not match) and verified by reading it back.
    const keys = deriveCloudKeys(sv.source.cloudKey);
    const packHeads = observed.headNames.filter((n) => sv!.packIds.some((id) => objectName(keys, `pack/${id}`) === n));
    expect(packHeads).toEqual([objectName(keys, `pack/${victim}`)]);
    expect((await two.target.get(objectName(keys, `pack/${victim}`))).equals(readFileSync(join(sv.source.packsDir, victim.slice(0, 2), `${victim}.pack`)))).toBe(true);
  });
});
