// The bulk path for row-only items (record-store.ts) on a real encrypted vault: the same
// rows, fingerprints, keys and identity rules as putItems — stored records are found by
// search, listed, snapshotted, deduplicated against putItems in both directions, kept out
// by tombstones, re-imported idempotently, versioned on change (keeping a person's edit),
// erased completely, and a file added later is sealed under the record's own key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unwrapItemKey } from '../../../main/core/vault/item-crypto';
import { MAX_RECORDS_PER_BATCH } from '../../../main/core/vault/record-store';
import { all, get, sql } from '../../../main/core/vault/sql';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, readAll, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
beforeEach(async () => {
  t = tempDir('ks-records-');
  vault = (await newVault(t.dir)).vault;
});
afterEach(() => {
  vault.close();
  t.cleanup();
});

const sms = (n: number, extra: Partial<NewItem> = {}): NewItem => ({
  category: 'message',
  sourceKey: `sms:${n}`,
  occurredAt: 1_600_000_000_000 + n * 1000,
  title: `Person ${n % 7}`,
  text: `Person ${n % 7}\n+1555${n}\nMessage ${n} about the zeppelin${n}`,
  fields: { kind: 'sms', address: `+1555${n}`, body: `Message ${n} about the zeppelin${n}`, attributes: { read: '1', type: '1' } },
  personal: true,
  ...extra,
});

const count = (table: string, where = ''): number => (get<{ n: number }>(vault.indexDb, { text: `SELECT count(*) AS n FROM ${table} ${where}`, params: [] })!).n;

describe('putRecords', () => {
  it('writes the same rows putItems writes: item, version, source, copy, search, wrapped key', async () => {
    const results = await vault.putRecords([sms(1), sms(2), sms(3)]);
    expect(results.map((r) => r.status)).toEqual(['added', 'added', 'added']);
    const id = results[1]!.id;
    const rec = vault.getItem(id)!;
    expect(rec).toMatchObject({ category: 'message', title: 'Person 2', text: sms(2).text, fields: sms(2).fields, version: 1, deviceId: 'local', personal: true, files: [] });
    expect(rec.sources).toEqual([{ deviceId: 'local', sourceKey: 'sms:2' }]);
    expect(rec.summary).toBe(sms(2).text!.replace(/\s+/g, ' '));
    // Version 1 of a record is its items row: no copy in item_versions (version-rows.ts).
    expect(count('item_versions')).toBe(0);
    expect(get<{ state: string; encryption: string }>(vault.indexDb, sql`SELECT state, encryption FROM copies WHERE item_id = ${id} AND location_id = 1`)).toEqual({ state: 'present', encryption: 'aes-256-gcm/item-key' });
    expect(vault.search('zeppelin2').map((h) => h.id)).toEqual([id]);
    expect(vault.listItems({ category: 'message' })).toHaveLength(3);
    // No data key yet: nothing of a record is encrypted under one (record-store.ts); the
    // key is made when a file is added (the test 'a file added to a record later').
    expect(count('items', 'WHERE length(wrapped_key) = 0')).toBe(3);
    expect(get<{ uses: number }>(vault.indexDb, sql`SELECT uses FROM key_usage WHERE purpose = 'item-key-wrap'`)?.uses ?? 0).toBe(0);
    // A snapshot records (item, version) for records like for any item; it pins version 1,
    // so the version rows it references are written then.
    expect((await vault.createSnapshot()).itemCount).toBe(3);
    expect(count('item_versions', 'WHERE version = 1')).toBe(3);
    expect(count('snapshot_items s JOIN item_versions v ON v.item_id = s.item_id AND v.version = s.version')).toBe(3);
  });

  it('writes version 1\'s row from the items row when a second version comes, and erasure tombstones every version', async () => {
    const [a, b] = await vault.putRecords([sms(1), sms(2)]);
    const v1 = get<{ fingerprint: Buffer; body: string; fields: string }>(vault.indexDb, sql`SELECT fingerprint, body, fields FROM items WHERE id = ${a!.id}`)!;
    // A change from the source (putRecords) and a person's edit (updateItem → putItems) both keep version 1.
    await vault.putRecords([sms(1, { text: 'changed on the phone' })]);
    await vault.updateItem(b!.id, { title: 'Renamed' });
    for (const id of [a!.id, b!.id]) expect(all<{ version: number }>(vault.indexDb, sql`SELECT version FROM item_versions WHERE item_id = ${id} ORDER BY version`).map((r) => r.version)).toEqual([1, 2]);
    expect(get(vault.indexDb, sql`SELECT fingerprint, body, fields FROM item_versions WHERE item_id = ${a!.id} AND version = 1`)).toEqual(v1);
    // Re-importing version 1's content now finds it among the versions: the newer content stays.
    expect((await vault.putRecords([sms(1)]))[0]).toMatchObject({ id: a!.id, status: 'duplicate', version: 2 });
    // Erased: both versions' content is kept out, the never-edited record's too.
    const [c] = await vault.putRecords([sms(3)]);
    await vault.destroyItems([a!.id, c!.id]);
    const back = await vault.putRecords([sms(1), sms(1, { text: 'changed on the phone' }), sms(3)]);
    expect(back.map((r) => r.status)).toEqual(['tombstoned', 'tombstoned', 'tombstoned']);
    expect(count('tombstones')).toBe(3);
  });

  it('gives the same item as putItems: same fingerprint, dedup in both directions', async () => {
    const [viaItems] = await vault.putItems([sms(10)]);
    const [same] = await vault.putRecords([sms(10)]);
    expect(same).toEqual({ id: viaItems!.id, status: 'duplicate', version: 1 });
    // The same content from another device: one item, two sources (record first, then putItems).
    const [rec] = await vault.putRecords([sms(11)]);
    const [twin] = await vault.putItems([sms(11, { deviceId: 'phone-a', sourceKey: 'other-key' })]);
    expect(twin).toEqual({ id: rec!.id, status: 'duplicate', version: 1 });
    const [twin2] = await vault.putRecords([sms(10, { deviceId: 'phone-b', sourceKey: 'k2' })]);
    expect(twin2!.id).toBe(viaItems!.id);
    expect(vault.getItem(viaItems!.id)!.sources.map((s) => s.deviceId).sort()).toEqual(['local', 'phone-b']);
    expect(count('devices', `WHERE id IN ('phone-a', 'phone-b')`)).toBe(2);
    const fps = all<{ fingerprint: Buffer }>(vault.indexDb, sql`SELECT fingerprint FROM items`);
    expect(fps).toHaveLength(2);
  });

  it('is idempotent, versions changed content, keeps a person\'s edit, and handles repeats inside one batch', async () => {
    const first = await vault.putRecords([sms(1), sms(2)]);
    const again = await vault.putRecords([sms(1), sms(2)]);
    expect(again).toEqual(first.map((r) => ({ ...r, status: 'duplicate' })));
    const changed = sms(1, { text: 'edited by the phone', fields: { kind: 'sms', body: 'edited by the phone' } });
    const [u] = await vault.putRecords([changed]);
    expect(u).toEqual({ id: first[0]!.id, status: 'updated', version: 2 });
    expect(vault.getItem(first[0]!.id)!.text).toBe('edited by the phone');
    expect(vault.search('edited').map((h) => h.id)).toEqual([first[0]!.id]);
    expect(vault.search('zeppelin1')).toEqual([]);
    // The person edits the item; re-importing the unchanged source (version 1's content) keeps the edit.
    await vault.updateItem(first[1]!.id, { title: 'Renamed by me' });
    // An edit without files encrypts nothing: still no data key (record-store.ts).
    expect(get<{ n: number }>(vault.indexDb, sql`SELECT length(wrapped_key) AS n FROM items WHERE id = ${first[1]!.id}`)!.n).toBe(0);
    const [kept] = await vault.putRecords([sms(2)]);
    expect(kept!.status).toBe('duplicate');
    expect(vault.getItem(first[1]!.id)!.title).toBe('Renamed by me');
    // The same source key twice in one batch: one item (equal content), or a second version.
    const inBatch = await vault.putRecords([sms(5), sms(5), sms(6), sms(6, { text: 'second text' })]);
    expect(inBatch.map((r) => r.status)).toEqual(['added', 'duplicate', 'added', 'updated']);
    expect(inBatch[1]!.id).toBe(inBatch[0]!.id);
    expect(count('items')).toBe(4);
  });

  it('keeps erased content out (tombstones) and erases records completely', async () => {
    const [a, b] = await vault.putRecords([sms(1), sms(2)]);
    expect(await vault.destroyItems([a!.id])).toBe(1);
    expect(vault.search('zeppelin1')).toEqual([]);
    expect(count('item_versions', `WHERE item_id = '${a!.id}'`) + count('item_sources', `WHERE item_id = '${a!.id}'`) + count('copies', `WHERE item_id = '${a!.id}'`)).toBe(0);
    const back = await vault.putRecords([sms(1), sms(3)]);
    expect(back.map((r) => r.status)).toEqual(['tombstoned', 'added']);
    expect(back[0]!.id).toBe('');
    expect(count('items')).toBe(2);
    expect(vault.getItem(b!.id)).not.toBeNull();
  });

  it('a file added to a record later is sealed under the record\'s own key', async () => {
    const [r] = await vault.putRecords([sms(7)]);
    const bytes = Buffer.from('a photo sent later');
    const [other] = await vault.putRecords([sms(8)]);
    const u = await vault.updateItem(r!.id, { files: [{ role: 'attachment', name: 'p.jpg', mime: 'image/jpeg', data: bytes }] });
    expect(u.version).toBe(2);
    expect((await readAll(vault.readFile(r!.id, 'attachment'))).equals(bytes)).toBe(true);
    // Its own key now: it opens under the vault's wrap key with this item's id, and only with it.
    const wrapped = get<{ wrapped_key: Buffer }>(vault.indexDb, sql`SELECT wrapped_key FROM items WHERE id = ${r!.id}`)!.wrapped_key;
    const wrapKey = (vault as unknown as { ctx: { keys: { itemWrap: Buffer } } }).ctx.keys.itemWrap;
    expect(unwrapItemKey(wrapKey, wrapped, r!.id)).toHaveLength(32);
    expect(() => unwrapItemKey(wrapKey, wrapped, other!.id)).toThrow(/integrity/);
    expect(get<{ uses: number }>(vault.indexDb, sql`SELECT uses FROM key_usage WHERE purpose = 'item-key-wrap'`)!.uses).toBe(1);
    // Adding a second file unwraps that key (no new one).
    await vault.updateItem(r!.id, { files: [{ role: 'attachment', name: 'q.jpg', mime: 'image/jpeg', data: Buffer.from('another') }] });
    expect(get<{ wrapped_key: Buffer }>(vault.indexDb, sql`SELECT wrapped_key FROM items WHERE id = ${r!.id}`)!.wrapped_key.equals(wrapped)).toBe(true);
    expect((await readAll(vault.readFile(r!.id, 'attachment'))).toString()).toBe('another');
    expect((await vault.check({ readData: true })).ok).toBe(true);
  });

  it('refuses items with files, invalid items and oversized batches, storing nothing of the batch', async () => {
    const withFile = { ...sms(1), files: [{ role: 'original' as const, name: 'x', mime: 'text/plain', data: Buffer.from('x') }] };
    await expect(vault.putRecords([sms(2), withFile])).rejects.toMatchObject({ code: 'BAD_INPUT', message: /with files/ });
    await expect(vault.putRecords([sms(2), { ...sms(3), sourceKey: '' }])).rejects.toMatchObject({ code: 'BAD_INPUT', message: /source key/ });
    await expect(vault.putRecords([sms(2), { ...sms(3), category: 'spaceship' as 'message' }])).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const many = Array.from({ length: MAX_RECORDS_PER_BATCH + 1 }, (_, i) => sms(i));
    await expect(vault.putRecords(many)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(count('items')).toBe(0);
    expect((await vault.putRecords([]))).toEqual([]);
  });

  it('a constraint failure in the middle of a batch rolls the whole batch back', async () => {
    // A trigger refuses the third item, after the first two were inserted in the same transaction.
    vault.indexDb.exec(`CREATE TRIGGER refuse_bad AFTER INSERT ON items WHEN new.title = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END;`);
    await expect(vault.putRecords([sms(1), sms(2), sms(3, { title: 'boom' })])).rejects.toThrow();
    expect(count('items') + count('item_versions') + count('item_sources') + count('copies')).toBe(0);
    expect(vault.search('zeppelin1')).toEqual([]);
    vault.indexDb.exec('DROP TRIGGER refuse_bad');
    expect((await vault.putRecords([sms(1)]))[0]!.status).toBe('added');
  });

  it('stores a large batch in one call', async () => {
    const batch = Array.from({ length: 5_000 }, (_, i) => sms(i));
    const results = await vault.putRecords(batch);
    expect(results.filter((r) => r.status === 'added')).toHaveLength(5_000);
    expect(count('items')).toBe(5_000);
    expect(count('item_sources')).toBe(5_000);
    expect(vault.search('zeppelin4999')).toHaveLength(1);
    expect((await vault.check()).ok).toBe(true);
  });

  it('gives a batch ids in insertion order (appends to the id-keyed indexes), unique, after the earlier batches\' ids', async () => {
    const first = (await vault.putRecords(Array.from({ length: 1_500 }, (_, i) => sms(i)))).map((r) => r.id);
    await new Promise((r) => setTimeout(r, 2)); // the next batch starts in a later millisecond
    const second = (await vault.putRecords(Array.from({ length: 1_500 }, (_, i) => sms(10_000 + i)))).map((r) => r.id);
    const ids = [...first, ...second];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(3_000);
    expect([...ids].sort()).toEqual(ids);
    // The items rows (seq order) carry the same ids in the same order.
    expect(all<{ id: string }>(vault.indexDb, sql`SELECT id FROM items ORDER BY seq`).map((r) => r.id)).toEqual(ids);
    // 8 random bytes per batch: two batches do not share them.
    expect(first[0]!.slice(12, 28)).not.toBe(second[0]!.slice(12, 28));
  });
});
