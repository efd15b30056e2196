// Pack writes on the thread pool gather small chunks in 1 MiB staging buffers, and a
// staging buffer whose write has finished is reused by a later stage of any pack
// (pack-store.ts, STAGE_SPARES). Reuse must never let a stage be filled while its bytes
// are still being written, nor let an earlier pack's bytes leak into a later one: every
// pack written here, with stages in flight and with reused stages, reads back exactly.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NonceBudget } from '../../../main/core/vault/item-crypto';
import { packPath, vaultLayout } from '../../../main/core/vault/layout';
import { PackWriter, readPackHeader, type PackEntry } from '../../../main/core/vault/pack-store';
import { pseudoRandom, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir('ks-pack-stages-');
});
afterEach(() => t.cleanup());

function layoutIn(dir: string): ReturnType<typeof vaultLayout> {
  const layout = vaultLayout(dir);
  mkdirSync(layout.tmp, { recursive: true });
  mkdirSync(layout.packs, { recursive: true });
  return layout;
}

/** Small chunks of varied sizes (all below the 1 MiB stage), ~`total` bytes, seeded. */
function smallChunks(total: number, seed: number): Buffer[] {
  const out: Buffer[] = [];
  for (let n = 0, i = 0; n < total; i++) {
    const size = 1 + ((i * 7919 + seed * 104_729) % (90 * 1024));
    out.push(pseudoRandom(size, seed * 100_000 + i));
    n += size;
  }
  return out;
}

function fill(w: PackWriter, chunks: Buffer[]): PackEntry[] {
  return chunks.map((c, i) => w.add(c, { id: String(i), item: 'item', plain: c.length }));
}

function expectPack(layout: ReturnType<typeof vaultLayout>, headerKey: Buffer, id: string, size: number, entries: PackEntry[], chunks: Buffer[]): void {
  const whole = readFileSync(packPath(layout, id));
  expect(whole.length).toBe(size);
  expect(readPackHeader(whole, id, headerKey).map((e) => [e.offset, e.length])).toEqual(entries.map((e) => [e.offset, e.length]));
  entries.forEach((e, i) => expect(whole.subarray(e.offset, e.offset + e.length).equals(chunks[i]!), `chunk ${i} of pack ${id}`).toBe(true));
}

describe('pack staging buffers', () => {
  it('are reused only after their write: packs written together and one after another read back exactly', async () => {
    const layout = layoutIn(t.dir);
    const headerKey = randomBytes(32);
    const budget = new NonceBudget(0);
    // two packs filled in the same turn: several stages of each are in flight at once
    const a = new PackWriter(layout, headerKey, budget, undefined, { asyncWrites: true });
    const b = new PackWriter(layout, headerKey, budget, undefined, { asyncWrites: true });
    const aChunks = smallChunks(3.5 * 1024 * 1024, 1);
    const bChunks = smallChunks(2.5 * 1024 * 1024, 2);
    const aEntries = fill(a, aChunks.slice(0, 40));
    const bEntries = fill(b, bChunks.slice(0, 30));
    aEntries.push(...fill(a, aChunks.slice(40)));
    bEntries.push(...fill(b, bChunks.slice(30)));
    const [wa, wb] = await Promise.all([a.finishAsync(), b.finishAsync()]);
    // every stage of a and b is written by now: the next packs fill reused stages, and the
    // last stage of each is only partly filled over bytes an earlier pack left in it
    const c = new PackWriter(layout, headerKey, budget, undefined, { asyncWrites: true });
    const cChunks = smallChunks(2.2 * 1024 * 1024, 3);
    const cEntries = fill(c, cChunks);
    const wc = await c.finishAsync();
    const d = new PackWriter(layout, headerKey, budget, undefined, { asyncWrites: true });
    const dChunks = smallChunks(300 * 1024, 4);
    const dEntries = fill(d, dChunks);
    const wd = await d.finishAsync();

    expectPack(layout, headerKey, wa.id, wa.size, aEntries, aChunks);
    expectPack(layout, headerKey, wb.id, wb.size, bEntries, bChunks);
    expectPack(layout, headerKey, wc.id, wc.size, cEntries, cChunks);
    expectPack(layout, headerKey, wd.id, wd.size, dEntries, dChunks);
  });
});
