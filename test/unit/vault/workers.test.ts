// Large files are sealed on worker threads (seal-pool.ts): the result must be the same
// vault a single thread would write — ids that verify, chunks that dedup on the next run,
// bytes that restore identically.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newVault, pseudoRandom, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

describe('sealing on worker threads', () => {
  it('writes verifiable chunks that dedup with later runs and restore bit-identically', async () => {
    const { vault } = await newVault(join(t.dir, 'home'), { chunker: { minSize: 64 * 1024, avgSize: 256 * 1024, maxSize: 1024 * 1024 } });
    const src = join(t.dir, 'src');
    mkdirSync(src);
    const big = pseudoRandom(6 * 1024 * 1024, 11);
    writeFileSync(join(src, 'VID_1.mp4'), big);
    expect((await vault.backupFolder(src)).added).toBe(1);
    const stored = vault.stats().storedBytes;
    big.write('a small edit', 3 * 1024 * 1024);
    writeFileSync(join(src, 'VID_1.mp4'), big);
    expect((await vault.backupFolder(src)).updated).toBe(1);
    expect(vault.stats().storedBytes - stored).toBeLessThan(2 * 1024 * 1024); // only the edited chunk(s)
    expect((await vault.check({ readData: true })).ok).toBe(true);
    await vault.restoreSnapshot('latest', join(t.dir, 'out'));
    expect(readFileSync(join(t.dir, 'out', 'VID_1.mp4')).equals(big)).toBe(true);
    vault.close();
  });
});
