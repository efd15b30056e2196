// Hostile archives (RELIABILITY rows 21–22): zip slip and unsafe names, overlapping-entry
// bombs, entries that lie about their size, ratio bombs, recursive nesting, truncation and
// wrong extensions. Each must end in a clear refusal with the rest imported, nothing
// written outside <data>/staging, and the staging area removed afterwards.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipImporter, tgzImporter } from '../../../../main/core/intake/archives/containers';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import { defaultArchiveLimits } from '../../../../main/core/intake/archives/limits';
import { countBy, runImporter, tempDataFolder } from './helpers';
import { zipOf } from './zip-writer';

let data: ReturnType<typeof tempDataFolder>;
beforeEach(() => {
  data = tempDataFolder();
});
afterEach(() => data.cleanup());

function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      out.push(relative(root, p));
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

async function importZip(bytes: Buffer, limits = defaultArchiveLimits) {
  const path = join(data.inputs, 'in.zip');
  writeFileSync(path, bytes);
  const outside = (): string[] => listing(data.parent).filter((p) => p !== 'data' && !p.startsWith('data/'));
  const before = outside();
  const r = await runImporter(zipImporter({ dataFolder: data.dir, limits }), fileInput(path));
  expect(outside()).toEqual(before); // nothing written outside the data folder
  expect(data.stagingLeftovers()).toEqual([]);
  return r;
}

describe('hostile zips', () => {
  it('zip slip and unsafe names are refused by name; safe entries imported', async () => {
    const bad = ['../x.txt', '/etc/x.txt', 'C:/x.txt', 'a\\..\\x.txt', 'ok/../../x.txt', Buffer.from('nul\u0000.txt', 'latin1'), `${'n'.repeat(4100)}.txt`];
    const r = await importZip(zipOf([...bad.map((name) => ({ name, data: Buffer.from('evil') })), { name: 'good/keep.bin', data: Buffer.from('good') }, { name: 'CON', data: Buffer.from('reserved name, kept') }]));
    expect(r.error).toBeUndefined();
    expect(r.items.map((i) => i.fields.path).sort()).toEqual(['CON', 'good/keep.bin']);
    expect(r.refusals).toHaveLength(bad.length);
    expect(r.refusals.map((x) => x.reason)).toEqual([
      expect.stringMatching(/outside the archive/),
      expect.stringMatching(/absolute path/),
      expect.stringMatching(/drive letter/),
      expect.stringMatching(/backslashes/),
      expect.stringMatching(/outside the archive/),
      expect.stringMatching(/NUL/),
      expect.stringMatching(/too long/),
    ]);
    expect(r.refusals[5]!.position).toBe('nul?.txt');
  });

  it('overlapping entries (one body, many names) are refused as a zip bomb', async () => {
    const body = Buffer.alloc(1 << 20, 0x41);
    const r = await importZip(zipOf([{ name: 'a.bin', data: body }, ...Array.from({ length: 50 }, (_, i) => ({ name: `copy${i}.bin`, data: body, sameBodyAs: 0 }))]));
    expect(r.items).toEqual([]);
    expect(r.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/exceeds limits.*overlap/) });
  });

  it('an entry that inflates past its declared size is refused; the others are imported', async () => {
    const r = await importZip(zipOf([{ name: 'liar.txt', data: Buffer.alloc(100_000, 0x20), declaredSize: 10 }, { name: 'fine.bin', data: Buffer.from('fine') }]));
    expect(r.error).toBeUndefined();
    expect(r.refusals).toEqual([{ position: 'liar.txt', reason: expect.stringMatching(/more data than its header says/) }]);
    expect(r.items.filter((i) => i.fields.path === 'fine.bin')).toHaveLength(1);
  });

  it('a high-ratio entry stops the archive with "exceeds limits" (actual bytes counted)', async () => {
    const limits = { ...defaultArchiveLimits, ratioGraceBytes: 1024 * 1024, maxRatio: 100 };
    const r = await importZip(zipOf([{ name: 'bomb.txt', data: Buffer.alloc(64 * 1024 * 1024, 0) }]), limits);
    expect(r.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/exceeds limits.*inflates more than 100 times/) });
  });

  it('the archive-wide byte budget stops a bomb made of many modest entries', async () => {
    const limits = { ...defaultArchiveLimits, maxTotalBytes: 4 * 1024 * 1024 };
    const r = await importZip(zipOf(Array.from({ length: 10 }, (_, i) => ({ name: `part${i}.bin`, data: Buffer.alloc(1024 * 1024, i) }))), limits);
    expect(r.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/exceeds limits \(more than 4 MB when unpacked\)/) });
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.length).toBeLessThan(10);
  });

  it('recursive zip-in-zip stops at the nesting limit and keeps the deepest as a file', async () => {
    let inner = zipOf([{ name: 'deepest.bin', data: Buffer.from('bottom') }]);
    for (let level = 0; level < 4; level++) inner = zipOf([{ name: `level${level}.zip`, data: inner }, { name: `note${level}.bin`, data: Buffer.from(`n${level}`) }]);
    const r = await importZip(inner);
    expect(r.error).toBeUndefined();
    // Outer (depth 0) opens level3.zip (1) and level2.zip (2); level1.zip is at the limit.
    expect(r.items.map((i) => i.fields.path).sort()).toEqual(['level1.zip', 'note1.bin', 'note2.bin', 'note3.bin']);
    expect(r.refusals).toEqual([{ position: 'level1.zip', reason: expect.stringMatching(/nested 3 levels deep was kept as a file/) }]);
    expect(r.items.find((i) => i.fields.path === 'level1.zip')!.fields.nestedArchive).toBe('zip');
  });

  it('a zip claiming a million entries is refused from its end record, before listing', async () => {
    const z = zipOf([{ name: 'a.bin', data: Buffer.from('a') }], { forceZip64: true });
    const at = z.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    z.writeBigUInt64LE(1_000_000n, at + 24);
    z.writeBigUInt64LE(1_000_000n, at + 32);
    const r = await importZip(z);
    expect(r.items).toEqual([]);
    expect(r.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/exceeds limits \(1000000 entries, more than 500000\)/) });
  });

  it('NFC/NFD twins and case-only twins are distinct entries, each imported once, names kept', async () => {
    const nfc = 'caf\u00e9.bin';
    const nfd = 'cafe\u0301.bin';
    const r = await importZip(zipOf([{ name: nfc, data: Buffer.from('1') }, { name: nfd, data: Buffer.from('2') }, { name: 'A.bin', data: Buffer.from('3') }, { name: 'a.bin', data: Buffer.from('4') }]));
    expect(r.items.map((i) => i.fields.path)).toEqual([nfc, nfd, 'A.bin', 'a.bin']);
  });

  it('cancelling mid-archive stops with CANCELLED and still cleans the staging area', async () => {
    const { gzipSync } = await import('node:zlib');
    const { tarOf } = await import('./helpers');
    const path = join(data.inputs, 'many.tgz');
    writeFileSync(path, gzipSync(await tarOf(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.bin`, data: Buffer.from([i]) })))));
    const { collectingContext } = await import('../../../../main/core/intake/types');
    const { KeepsakeError } = await import('../../../../common/errors');
    let calls = 0;
    const cleanups: Array<() => void> = [];
    const ctx = {
      ...collectingContext(),
      defer: (f: () => void) => cleanups.push(f),
      async checkpoint() {
        if (++calls > 25) throw new KeepsakeError('CANCELLED', 'The import was cancelled.');
      },
    };
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const i of tgzImporter({ dataFolder: data.dir })(fileInput(path), ctx)) seen.push(i);
      })(),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(20);
    for (const c of cleanups) c();
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('a truncated zip is refused as damaged', async () => {
    const whole = zipOf([{ name: 'a.bin', data: Buffer.alloc(5000, 1) }]);
    const r = await importZip(whole.subarray(0, whole.length - 30));
    expect(r.error).toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/zip archive cannot be read/) });
  });

  it('a corrupt deflate body is refused for that entry; the rest imported', async () => {
    const noisy = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * i * 31 + 7) % 251));
    const z = zipOf([{ name: 'a.txt', data: noisy }, { name: 'b.bin', data: Buffer.from('ok') }]);
    z.fill(0xff, 40, 60); // inside a.txt's deflate stream (its body starts at byte 35)
    const r = await importZip(z);
    expect(r.error).toBeUndefined();
    expect(r.refusals.map((x) => x.position)).toEqual(['a.txt']);
    expect(r.items.filter((i) => i.fields.path === 'b.bin')).toHaveLength(1);
  });

  it('wrong extensions: a PNG named .txt is a photo, text named .jpg is kept as a file', async () => {
    const png = (await import('node:fs')).readFileSync('/work/shared/fixtures/photos/exifr__png_with_exif_and_gps.png');
    const r = await importZip(zipOf([{ name: 'pic.txt', data: png }, { name: 'fake.jpg', data: Buffer.from('not an image at all') }]));
    expect(countBy(r.items)).toEqual({ photo: 1, file: 1 });
    expect(r.items.find((i) => i.category === 'file')!.fields.path).toBe('fake.jpg');
  });

  it('a tgz that is cut off keeps the entries before the cut and says so', async () => {
    const { gzipSync } = await import('node:zlib');
    const { tarOf } = await import('./helpers');
    const tgz = gzipSync(await tarOf([{ name: 'one.bin', data: Buffer.alloc(2000, 1) }, { name: 'two.bin', data: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * i * 7919 + 13) % 253)) }]));
    const path = join(data.dir, 'cut.tgz');
    writeFileSync(path, tgz.subarray(0, Math.floor(tgz.length * 0.6)));
    const r = await runImporter(tgzImporter({ dataFolder: data.dir }), fileInput(path));
    expect(r.error).toBeUndefined();
    expect(r.items.map((i) => i.fields.path)).toEqual(['one.bin']);
    expect(r.refusals.at(-1)).toEqual({ position: '(end of archive)', reason: expect.stringMatching(/cut off.*1 entries before that point were imported/) });
  });
});
