// A zip64 archive with more than 65,535 entries (the 16-bit entry count of a classic zip
// overflows; large Google Takeouts hit this). The default run lists all 66,000 entries and
// reads a sample through the importer's own reader; the full import of every entry (about
// 20 s here, a minute when the machine is busy) runs with KEEPSAKE_LONG_TESTS=1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { zipImporter } from '../../../../main/core/intake/archives/containers';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import { ByteBudget, defaultArchiveLimits } from '../../../../main/core/intake/archives/limits';
import { openZipTree } from '../../../../main/core/intake/archives/zip-source';
import { collectingContext } from '../../../../main/core/intake/types';
import { runImporter, tempDataFolder } from './helpers';
import { zipOf } from './zip-writer';

const N = 66_000;
const data = tempDataFolder();
const path = join(data.inputs, 'big.zip');
beforeAll(() => {
  writeFileSync(path, zipOf(Array.from({ length: N }, (_, i) => ({ name: `Takeout/Drive/f${i}.bin`, data: Buffer.from([i & 0xff]), method: 0 as const }))));
});
afterAll(() => data.cleanup());

it('66,000 entries are all listed, in order, each name once; sampled entries read back', async () => {
  const ctx = collectingContext();
  const handle = await openZipTree(path, 'big.zip', defaultArchiveLimits, new ByteBudget(defaultArchiveLimits), ctx);
  try {
    const names = handle.tree.entries.map((e) => e.name);
    expect(names).toHaveLength(N);
    expect(new Set(names).size).toBe(N);
    expect(names[65_999]).toBe('Takeout/Drive/f65999.bin');
    for (const i of [0, 65_535, 65_536, 65_999]) {
      const chunks: Buffer[] = [];
      for await (const c of handle.tree.entries[i]!.open()) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks)).toEqual(Buffer.from([i & 0xff]));
    }
  } finally {
    handle.close();
  }
  expect(ctx.refusals).toEqual([]);
}, 120_000);

it.runIf(process.env.KEEPSAKE_LONG_TESTS === '1')('full import: every entry imported exactly once', async () => {
  const r = await runImporter(zipImporter({ dataFolder: data.dir }), fileInput(path));
  expect(r.error).toBeUndefined();
  expect(r.items).toHaveLength(N);
  expect(new Set(r.items.map((i) => i.sourceKey)).size).toBe(N);
}, 300_000);
