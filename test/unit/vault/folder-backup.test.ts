// Folder backup and restore: incremental runs (unchanged files not read again, changed
// files stored as new versions), snapshots restored bit-identical to their point in
// time, restore leaves no partial files, and bad input is refused in plain words.
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, pseudoRandom, SMALL_CHUNKS, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
let src: string;
beforeEach(async () => {
  t = tempDir();
  vault = (await newVault(join(t.dir, 'home'), { chunker: SMALL_CHUNKS })).vault;
  src = join(t.dir, 'src');
  mkdirSync(join(src, 'DCIM', 'a'), { recursive: true });
  writeFileSync(join(src, 'DCIM', 'a', 'IMG_1.jpg'), pseudoRandom(300_000, 1));
  writeFileSync(join(src, 'DCIM', 'VID_2.mp4'), pseudoRandom(500_000, 2));
  writeFileSync(join(src, 'notes.txt'), 'hello');
  writeFileSync(join(src, 'empty.bin'), '');
  mkdirSync(join(src, 'sub'));
  writeFileSync(join(src, 'sub', 'notes.txt'), 'hello'); // same name and content: one item, two paths
  // …and the same time: an item's time is part of what it is, and a loaded machine can
  // write the two files a millisecond apart.
  const when = new Date('2024-05-01T10:00:00Z');
  utimesSync(join(src, 'notes.txt'), when, when);
  utimesSync(join(src, 'sub', 'notes.txt'), when, when);
  symlinkSync(join(src, 'notes.txt'), join(src, 'link'));
});
afterEach(() => {
  vault.close();
  t.cleanup();
});

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile()) out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  visit(dir);
  return out;
}

describe('backupFolder / restoreSnapshot', () => {
  it('backs up, skips unchanged files, stores changes as versions, restores each snapshot exactly', async () => {
    const first = await vault.backupFolder(src);
    expect(first).toMatchObject({ files: 5, added: 4, duplicate: 1, skipped: 1 });
    expect(vault.stats().byCategory).toMatchObject({ photo: 1, video: 1, file: 2 });
    const original = tree(src);

    const again = await vault.backupFolder(src);
    expect(again).toMatchObject({ unchanged: 5, bytesRead: 0 });

    const img = join(src, 'DCIM', 'a', 'IMG_1.jpg');
    const edited = pseudoRandom(300_000, 1);
    edited.write('edited', 150_000);
    writeFileSync(img, edited);
    const storedBefore = vault.stats().storedBytes;
    const third = await vault.backupFolder(src);
    expect(third).toMatchObject({ updated: 1, unchanged: 4 });
    expect(vault.stats().storedBytes - storedBefore).toBeLessThan(200_000); // only the changed chunks

    const out1 = join(t.dir, 'out1');
    await vault.restoreSnapshot(first.snapshotId, out1);
    expect(tree(out1)).toEqual(original);
    const outLatest = join(t.dir, 'out-latest');
    await vault.restoreSnapshot('latest', outLatest);
    expect(tree(outLatest)).toEqual(tree(src));
    expect(Math.abs(statSync(join(outLatest, 'notes.txt')).mtimeMs - statSync(join(src, 'notes.txt')).mtimeMs)).toBeLessThan(2); // utimes takes float seconds
    expect(readdirSync(outLatest, { recursive: true }).filter((n) => String(n).endsWith('.keepsake-partial'))).toEqual([]);
    expect((await vault.check({ readData: true })).ok).toBe(true);
  });

  it('refuses a missing folder, a file, and an unknown snapshot in plain words', async () => {
    await expect(vault.backupFolder(join(t.dir, 'nope'))).rejects.toMatchObject({ code: 'IO' });
    await expect(vault.backupFolder(join(src, 'notes.txt'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(vault.restoreSnapshot(99, join(t.dir, 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(vault.restoreSnapshot('latest', join(t.dir, 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
