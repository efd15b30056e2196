// [Note: Staging lifetime] Items are stored by the import job in batches, the last batch
// AFTER the importer has returned, so a large entry's bytes (opened lazily) must still be
// readable then: from the zip through a fresh handle, from the staging area until the
// caller's deferred cleanup (or the next sweep) removes it.
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tgzImporter, zipImporter } from '../../../../main/core/intake/archives/containers';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import { INLINE_ENTRY_BYTES } from '../../../../main/core/intake/archives/limits';
import { sweepStaging } from '../../../../main/core/intake/archives/staging';
import { collectingContext, type ParsedItem } from '../../../../main/core/intake/types';
import { runImporter, tarOf, tempDataFolder } from './helpers';
import { zipOf } from './zip-writer';

let data: ReturnType<typeof tempDataFolder>;
beforeEach(() => {
  data = tempDataFolder();
});
afterEach(() => data.cleanup());

const big = Buffer.alloc(INLINE_ENTRY_BYTES + 1024, 0x37);

describe('staging lifetime', () => {
  it('a large zip entry is still readable after the importer finished (fresh handle)', async () => {
    writeFileSync(join(data.inputs, 'big.zip'), zipOf([{ name: 'video-backup.bin', data: big, method: 0 }, { name: 'small.bin', data: Buffer.from('s') }]));
    const r = await runImporter(zipImporter({ dataFolder: data.dir }), fileInput(join(data.inputs, 'big.zip')));
    expect(r.error).toBeUndefined();
    expect(r.lazyBytes).toEqual([big.length]);
    expect(Buffer.isBuffer(r.items.find((i) => i.fields.path === 'small.bin')!.files![0]!.data)).toBe(true);
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('a large tgz entry is read from staging after the importer finished, then removed by the deferred cleanup', async () => {
    writeFileSync(join(data.inputs, 'big.tgz'), gzipSync(await tarOf([{ name: 'big.bin', data: big }])));
    const r = await runImporter(tgzImporter({ dataFolder: data.dir }), fileInput(join(data.inputs, 'big.tgz')));
    expect(r.lazyBytes).toEqual([big.length]);
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('without ctx.defer the area is marked finished and swept later', async () => {
    writeFileSync(join(data.inputs, 'x.tgz'), gzipSync(await tarOf([{ name: 'a.bin', data: Buffer.from('a') }])));
    const items: ParsedItem[] = [];
    for await (const i of tgzImporter({ dataFolder: data.dir })(fileInput(join(data.inputs, 'x.tgz')), collectingContext())) items.push(i);
    expect(items).toHaveLength(1);
    const [left] = data.stagingLeftovers();
    expect(left).toMatch(/^import-/);
    const root = join(data.dir, 'staging', left!);
    expect(readdirSync(root)).toContain('.finished');
    sweepStaging(join(data.dir, 'staging'));
    expect(data.stagingLeftovers()).toEqual([left]); // finished just now: kept a minute
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(root, '.finished'), old, old);
    sweepStaging(join(data.dir, 'staging'));
    expect(data.stagingLeftovers()).toEqual([]);
  });
});
