// The photo grid's random access (renderer/library/photo-index.ts) against the real
// timeline query: for any index range, the pages it asks for, filed by index, give the
// same photo at every index as walking the whole timeline with cursors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../../main/core/library/library';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { PhotoIndex } from '../../../renderer/library/photo-index';
import { newVault, tempDir } from '../vault/helpers';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
let lib: Library;

beforeAll(async () => {
  t = tempDir('ks-pidx-');
  vault = (await newVault(t.dir, { workers: false })).vault;
  const items: NewItem[] = [];
  for (let i = 0; i < 700; i++) {
    // uneven days (0–40 photos a day), ties in time, and a few undated photos
    const day = Math.floor(Math.sqrt(i) * 3);
    items.push({ category: i % 9 === 0 ? 'video' : 'photo', sourceKey: `p${i}`, ...(i % 97 === 5 ? {} : { occurredAt: Date.UTC(2023, 0, 1) + day * 86_400_000 + (i % 3) * 1000 }), title: `p${i}`, fields: {}, personal: true });
  }
  await vault.putItems(items);
  lib = new Library(vault);
});
afterAll(() => {
  vault.close();
  t.cleanup();
});

describe('PhotoIndex', () => {
  it('fills any range with exactly the photos a full cursor walk has there', () => {
    const truth: string[] = [];
    let cursor: string | undefined;
    do {
      const p = lib.timeline({ view: 'photos', limit: 97, ...(cursor ? { cursor } : {}) });
      truth.push(...p.items.map((x) => x.id));
      cursor = p.next ?? undefined;
    } while (cursor);
    expect(truth).toHaveLength(700);
    const days = lib.days('photos', 0);
    for (const [a, b] of [
      [0, 30],
      [333, 420],
      [640, 699],
      [5, 6],
    ] as const) {
      const index = new PhotoIndex(days.days, days.undated);
      expect(index.total).toBe(700);
      for (const page of index.missing(a, b)) index.fill(page.start, lib.timeline({ view: 'photos', before: page.before, limit: page.limit }).items);
      for (let i = a; i <= b; i++) expect(index.get(i)?.id, `index ${i}`).toBe(truth[i]);
      expect(index.missing(a, b)).toEqual([]); // nothing asked twice
    }
  });

  it('jump to a date lands on the first photo on or before it', () => {
    const days = lib.days('photos', 0);
    const index = new PhotoIndex(days.days, days.undated);
    const target = days.days[10]!;
    expect(index.indexAt(target.end)).toBe(index.starts[10]);
    expect(index.dayOf(index.starts[10]!)).toBe(10);
    expect(index.dayOf(index.total - 1)).toBe(-1); // the undated tail
  });
});
