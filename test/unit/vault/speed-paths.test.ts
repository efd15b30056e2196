// The fast paths of a backup and restore must write exactly what the plain paths write:
// the seal workers cut, MAC and seal whole files exactly as the main thread would (and
// stop at the nonce budget, and can be cancelled); pack writes on the thread pool (small
// appends gathered) give the same bytes as sync writes, all written before the fsync;
// the restore read-ahead serves the right bytes across window edges.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Chunker } from '../../../main/core/vault/chunker';
import { chunkAad, chunkId, NonceBudget, open } from '../../../main/core/vault/item-crypto';
import { packPath, vaultLayout } from '../../../main/core/vault/layout';
import { PackReader, PackWriter, readPackHeader } from '../../../main/core/vault/pack-store';
import { SealPool } from '../../../main/core/vault/seal-pool';
import { pseudoRandom, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let pool: SealPool | null = null;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  pool?.close();
  pool = null;
  t.cleanup();
});

const PARAMS = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

function layoutIn(dir: string): ReturnType<typeof vaultLayout> {
  const layout = vaultLayout(dir);
  for (const d of [layout.packs, layout.tmp]) mkdirSync(d, { recursive: true });
  return layout;
}

describe('seal workers', () => {
  it('cut, MAC and seal a whole file exactly where and how the main thread would', async () => {
    const macKey = randomBytes(32);
    const key = randomBytes(32);
    const chunker = new Chunker(PARAMS, macKey);
    const data = pseudoRandom(3 * 1024 * 1024 + 123, 5);
    const path = join(t.dir, 'VID.mp4');
    writeFileSync(path, data);
    pool = new SealPool(2);
    const got: Array<{ id: Buffer; plain: number; parts: Buffer[] | null }> = [];
    const it = pool.sealFile({ path, key, macKey, itemId: 'item-a', cut: chunker.cutParams, maxSeals: 1000 });
    let size = 0;
    for (;;) {
      const n = await it.next();
      if (n.done) {
        size = n.value;
        break;
      }
      got.push(n.value);
    }
    const expected = chunker.split(data);
    expect(size).toBe(data.length);
    expect(got.map((g) => g.plain)).toEqual(expected.map((c) => c.length));
    let off = 0;
    got.forEach((g, i) => {
      const plain = expected[i]!;
      expect(g.id.equals(chunkId(macKey, plain))).toBe(true);
      // it opens under the item key with (id, item, type) bound, and nowhere else
      const sealed = Buffer.concat(g.parts!);
      expect(open(key, sealed, chunkAad(g.id, 'item-a')).equals(data.subarray(off, off + plain.length))).toBe(true);
      expect(() => open(key, sealed, chunkAad(g.id, 'item-b'))).toThrow(/integrity/);
      off += plain.length;
    });

    // the ids the item already has: those chunks come back unsealed and spend no seal
    const known = [got[1]!.id, got[3]!.id];
    const again: Array<{ id: Buffer; parts: Buffer[] | null }> = [];
    for await (const c of pool.sealFile({ path, key, macKey, itemId: 'item-a', cut: chunker.cutParams, maxSeals: got.length - 2, known: Buffer.concat(known) })) again.push(c);
    expect(again.map((c) => c.id.toString('hex'))).toEqual(got.map((g) => g.id.toString('hex')));
    again.forEach((c, i) => expect(c.parts === null).toBe(i === 1 || i === 3));
  });

  it('stop at the nonce budget, can be cancelled midway, and name a missing file', async () => {
    const macKey = randomBytes(32);
    const chunker = new Chunker(PARAMS, macKey);
    const path = join(t.dir, 'big.mov');
    writeFileSync(path, pseudoRandom(2 * 1024 * 1024, 9));
    pool = new SealPool(1);
    const job = (maxSeals: number, p = path): AsyncGenerator<unknown, number> => pool!.sealFile({ path: p, key: randomBytes(32), macKey, itemId: 'x', cut: chunker.cutParams, maxSeals });
    const drain = async (g: AsyncGenerator<unknown, number>): Promise<number> => {
      let n = 0;
      for await (const _ of g) n++;
      return n;
    };
    await expect(drain(job(2))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // cancelled after one chunk: the same (only) worker must then take the next file
    const g = job(1000);
    await g.next();
    await g.return(0);
    expect(await drain(job(1000))).toBe(chunker.split(readFileSync(path)).length);
    await expect(drain(job(1000, join(t.dir, 'gone.mp4')))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('pack writes on the thread pool', () => {
  it('write the same pack as sync writes, every byte before the fsync, and read back through the read-ahead', async () => {
    const layout = layoutIn(t.dir);
    const headerKey = randomBytes(32);
    const chunks = [100, 5000, 2 * 1024 * 1024, 17, 70_000, 1024 * 1024 + 1, 3].map((n, i) => pseudoRandom(n, i + 1));
    const w = new PackWriter(layout, headerKey, new NonceBudget(0), undefined, { asyncWrites: true });
    // odd chunks are given in three parts (as the seal workers hand them over)
    const entries = chunks.map((c, i) => w.add(i % 2 ? [c.subarray(0, 12), c.subarray(12, Math.max(12, c.length - 16)), c.subarray(Math.max(12, c.length - 16))] : c, { id: String(i), item: 'item', plain: c.length }));
    const written = await w.finishAsync();
    const whole = readFileSync(packPath(layout, written.id));
    expect(whole.length).toBe(written.size);
    expect(readPackHeader(whole, written.id, headerKey).map((e) => e.offset)).toEqual(entries.map((e) => e.offset));
    entries.forEach((e, i) => expect(whole.subarray(e.offset, e.offset + e.length).equals(chunks[i]!)).toBe(true));

    const reader = new PackReader(layout, 64 * 1024); // a window smaller than some chunks
    for (const i of [0, 1, 3, 4, 2, 6, 5, 0]) {
      const e = entries[i]!;
      expect(createHash('sha256').update(reader.read(written.id, e.offset, e.length)).digest('hex')).toBe(createHash('sha256').update(chunks[i]!).digest('hex'));
    }
    expect(() => reader.read(written.id, written.size - 4, 64)).toThrow(/shorter than the index says/);
    reader.close();
  });

  it('abort with writes in flight leaves no pack and does not fail later', async () => {
    const layout = layoutIn(t.dir);
    const w = new PackWriter(layout, randomBytes(32), new NonceBudget(0), undefined, { asyncWrites: true });
    for (let i = 0; i < 8; i++) w.add(pseudoRandom(1024 * 1024, i + 1), { id: String(i), item: 'item', plain: 1024 * 1024 });
    w.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect(() => readFileSync(join(layout.tmp, `${w.id}.pack.tmp`))).toThrow();
  });
});
