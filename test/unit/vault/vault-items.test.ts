// The vault's item API end to end on a real vault in a temp folder: put (added,
// duplicate, updated, tombstoned), read back bit-identical, versions, range reads via
// media(), list, search, snapshots, stats, destroy + compact, and the process lock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Vault } from '../../../main/core/vault/vault';
import type { NewItem } from '../../../main/core/vault/types';
import { newVault, openVault, pseudoRandom, readAll, SMALL_CHUNKS, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
beforeEach(async () => {
  t = tempDir();
  vault = (await newVault(t.dir, { chunker: SMALL_CHUNKS })).vault;
});
afterEach(() => {
  vault.close();
  t.cleanup();
});

const photo = (key: string, data: Buffer, extra: Partial<NewItem> = {}): NewItem => ({
  category: 'photo',
  sourceKey: key,
  title: `${key}.jpg`,
  fields: { camera: 'test' },
  personal: true,
  files: [{ role: 'original', name: `${key}.jpg`, mime: 'image/jpeg', data }],
  ...extra,
});

describe('Vault items', () => {
  it('stores, reads back bit-identical, and dedups by source and by content', async () => {
    const a = pseudoRandom(300_000, 1);
    const [r1, r2] = await vault.putItems([photo('a', a), photo('b', pseudoRandom(50_000, 2))]);
    expect(r1!.status).toBe('added');
    expect(r2!.status).toBe('added');
    expect((await readAll(vault.readFile(r1!.id))).equals(a)).toBe(true);
    const again = await vault.putItems([photo('a', a)]);
    expect(again[0]).toEqual({ id: r1!.id, status: 'duplicate', version: 1 });
    // the same content from another device is one item with two sources
    const other = await vault.putItems([photo('a', a, { deviceId: 'phone-1', sourceKey: 'IMG_1' })]);
    expect(other[0]!.status).toBe('duplicate');
    expect(other[0]!.id).toBe(r1!.id);
    expect(vault.getItem(r1!.id)!.sources).toHaveLength(2);
  });

  it('accepts stream factories and records a new version on change', async () => {
    const a = pseudoRandom(200_000, 3);
    const [r] = await vault.putItems([photo('s', Buffer.alloc(0), { files: [{ role: 'original', name: 's', mime: 'image/jpeg', data: () => (async function* () { yield a.subarray(0, 70_000); yield a.subarray(70_000); })() as unknown as NodeJS.ReadableStream }] })]);
    expect(r!.status).toBe('added');
    const changed = Buffer.from(a);
    changed[100] = changed[100]! ^ 1;
    const [u] = await vault.putItems([photo('s', changed)]);
    expect(u).toEqual({ id: r!.id, status: 'updated', version: 2 });
    expect((await readAll(vault.readFile(r!.id))).equals(changed)).toBe(true);
    const u2 = await vault.updateItem(r!.id, { title: 'renamed' });
    expect(u2.version).toBe(3);
    expect(vault.getItem(r!.id)!.title).toBe('renamed');
    expect((await readAll(vault.readFile(r!.id))).equals(changed)).toBe(true);
  });

  it('serves byte ranges through media()', async () => {
    const a = pseudoRandom(150_000, 4);
    const [r] = await vault.putItems([photo('m', a)]);
    const src = await vault.media(r!.id);
    expect(src!.size).toBe(a.length);
    expect(src!.mime).toBe('image/jpeg');
    expect((await readAll(src!.stream(70_000, 100_000))).equals(a.subarray(70_000, 100_001))).toBe(true);
    expect(await vault.media(`${r!.id}.thumbnail`)).toBeNull();
    expect(await vault.media('not-an-id')).toBeNull();
  });

  it('searches text with ranking, prefixes and phrases, and lists by category', async () => {
    await vault.putItems([
      { category: 'message', sourceKey: 'm1', text: 'Dinner at the harbour on Friday?', fields: {}, personal: true },
      { category: 'message', sourceKey: 'm2', text: 'The harbour cafe was closed', fields: {}, personal: true },
      { category: 'note', sourceKey: 'n1', title: 'Harbour plans', text: 'boats', fields: {}, personal: true },
    ]);
    expect(vault.search('harbour').map((h) => h.title)).toContain('Harbour plans');
    expect(vault.search('harbour')[0]!.title).toBe('Harbour plans');
    expect(vault.search('harb*')).toHaveLength(3);
    expect(vault.search('"harbour cafe"')).toHaveLength(1);
    expect(vault.search('harbour', { category: 'message' })).toHaveLength(2);
    expect(vault.search('") OR 1=1 --')).toEqual([]);
    expect(vault.listItems({ category: 'message' })).toHaveLength(2);
  });

  it('snapshots, stats, and erasure with tombstones and compaction', async () => {
    const [r1, r2] = await vault.putItems([photo('x', pseudoRandom(120_000, 5)), photo('y', pseudoRandom(120_000, 6))]);
    const snap = await vault.createSnapshot({ label: 'first' });
    expect(snap.itemCount).toBe(2);
    expect(vault.listSnapshots()[0]!.id).toBe(snap.id);
    const before = vault.stats();
    expect(before.items).toBe(2);
    expect(await vault.destroyItems([r1!.id])).toBe(1);
    expect(vault.getItem(r1!.id)).toBeNull();
    const back = await vault.putItems([photo('x-again', pseudoRandom(120_000, 5), { title: 'x.jpg' })]);
    expect(back[0]!.status).toBe('tombstoned');
    const c = await vault.compact();
    expect(c.packsRewritten + c.packsDeleted).toBeGreaterThan(0);
    expect(vault.stats().storedBytes).toBeLessThan(before.storedBytes);
    expect((await readAll(vault.readFile(r2!.id))).equals(pseudoRandom(120_000, 6))).toBe(true);
    expect((await vault.check({ readData: true })).ok).toBe(true);
  });

  it('rejects bad input with BAD_INPUT and stores nothing', async () => {
    await expect(vault.putItems([{ category: 'nope' as 'photo', sourceKey: 'z', fields: {}, personal: true }])).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(vault.stats().items).toBe(0);
  });

  it('lets only one process-level opener hold the vault, and reopens after close', async () => {
    await expect(openVault(t.dir)).rejects.toMatchObject({ code: 'CONFLICT' });
    vault.close();
    vault = await openVault(t.dir);
    expect(Vault.exists(t.dir)).toBe(true);
    await expect(Vault.open(t.dir, { passphrase: 'wrong' }, { fastKdfForTests: true })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('job checkpoints', () => {
  it('saves, reloads after reopening, and clears a resume point', async () => {
    expect(vault.checkpoint('import', 'phone-1')).toBeNull();
    vault.saveCheckpoint('import', 'phone-1', { file: 'messages.xml', offset: 1200 });
    vault.saveCheckpoint('import', 'phone-1', { file: 'messages.xml', offset: 2400 });
    vault.close();
    vault = await openVault(t.dir);
    expect(vault.checkpoint('import', 'phone-1')).toEqual({ file: 'messages.xml', offset: 2400 });
    vault.clearCheckpoint('import', 'phone-1');
    expect(vault.checkpoint('import', 'phone-1')).toBeNull();
  });
});
