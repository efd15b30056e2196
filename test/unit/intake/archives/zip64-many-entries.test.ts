// A zip64 archive with more than 65,535 entries (the 16-bit entry count of a classic zip
// overflows; large Google Takeouts hit this). Its own file because it takes ~20 s here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { zipImporter } from '../../../../main/core/intake/archives/containers';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import { runImporter, tempDataFolder } from './helpers';
import { zipOf } from './zip-writer';

const data = tempDataFolder();
afterAll(() => data.cleanup());

it('66,000 entries: every entry imported exactly once, in order', async () => {
  const entries = Array.from({ length: 66_000 }, (_, i) => ({ name: `Takeout/Drive/f${i}.bin`, data: Buffer.from([i & 0xff]), method: 0 as const }));
  writeFileSync(join(data.dir, 'big.zip'), zipOf(entries));
  const r = await runImporter(zipImporter({ dataFolder: data.dir }), fileInput(join(data.dir, 'big.zip')));
  expect(r.error).toBeUndefined();
  expect(r.items).toHaveLength(66_000);
  expect(new Set(r.items.map((i) => i.sourceKey)).size).toBe(66_000);
  expect(r.items[65_999]!.fields.path).toBe('Takeout/Drive/f65999.bin');
}, 120_000);
