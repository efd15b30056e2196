// Property tests (fast-check) for the hostile-input parsers of the media/archive intake:
// the ISO-BMFF box walker, the HEIF layout and moov readers, the .ab header parser, the
// MIUI header, the zip entry-name sanitiser and the EXIF wrapper. The property for each:
// it never throws anything but a KeepsakeError, and never loops (every run is bounded).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../common/errors';
import { parseAbHeader } from '../../main/core/intake/archives/ab-header';
import { readMiuiHeader } from '../../main/core/intake/archives/miui';
import { sanitizeEntryName } from '../../main/core/intake/archives/safe-name';
import { findPath, listBoxes } from '../../main/core/intake/media/box-walker';
import { readPhotoMetadata } from '../../main/core/intake/media/exif';
import { readHeifLayout } from '../../main/core/intake/media/heif-meta';
import { parseMoov, readMoov } from '../../main/core/intake/media/mp4-meta';
import { bufferSource } from '../../main/core/intake/media/random-access';
import { sniffMedia } from '../../main/core/intake/media/sniff';

const RUNS = Number(process.env.KEEPSAKE_FUZZ_RUNS ?? 300);

function onlyOurErrors(e: unknown): void {
  if (!isKeepsakeError(e)) throw e;
}

async function neverThrowsForeign(f: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await f();
  } catch (e) {
    onlyOurErrors(e);
  }
}

/** Box-shaped bytes: plausible headers with hostile sizes, so the walker is exercised deeply. */
const boxy = fc
  .array(
    fc.record({
      size: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 64 }), fc.constant(0xffffffff)),
      type: fc.constantFrom('moov', 'mvhd', 'udta', 'meta', 'iinf', 'infe', 'pitm', 'iref', 'ilst', 'keys', '\xa9xyz', 'uuid', 'free', 'ftyp'),
      body: fc.uint8Array({ maxLength: 40 }),
    }),
    { maxLength: 12 },
  )
  .map((boxes) =>
    Buffer.concat(
      boxes.map((b) => {
        const h = Buffer.alloc(8);
        h.writeUInt32BE(b.size >>> 0, 0);
        h.write(b.type, 4, 'latin1');
        return Buffer.concat([h, Buffer.from(b.body)]);
      }),
    ),
  );

const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), boxy);

describe('box walker and video/HEIF readers', () => {
  it('listBoxes/findPath never throw foreign errors and stay inside the source', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (buf) => {
        await neverThrowsForeign(async () => {
          const src = bufferSource(buf);
          const boxes = await listBoxes(src, 0, buf.length);
          for (const b of boxes) {
            expect(b.start).toBeGreaterThanOrEqual(0);
            expect(b.end).toBeLessThanOrEqual(buf.length);
            expect(b.payload).toBeLessThanOrEqual(b.end);
          }
          await findPath(src, ['moov', 'udta', 'meta']);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('readHeifLayout, readMoov and parseMoov never throw foreign errors', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (buf) => {
        await neverThrowsForeign(() => readHeifLayout(bufferSource(buf)));
        await neverThrowsForeign(async () => {
          const moov = await readMoov(Readable.from([buf]));
          if (moov) await parseMoov(moov);
        });
        const wrapped = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('moov'), buf]);
        wrapped.writeUInt32BE(wrapped.length, 0);
        await neverThrowsForeign(() => parseMoov(wrapped));
        sniffMedia(buf);
      }),
      { numRuns: RUNS },
    );
  });

  it('mutated real HEIC headers: the layout reader stays bounded', async () => {
    const heic = readFileSync('/work/shared/fixtures/photos/exifr__heic-collection.heic').subarray(0, 4096);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), async (edits) => {
        const b = Buffer.from(heic);
        for (const [at, v] of edits) b[at] = v;
        await neverThrowsForeign(() => readHeifLayout(bufferSource(b)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('Android backup headers', () => {
  const header = fc.record({
    version: fc.oneof(fc.constantFrom('1', '3', '5', '0', '99', 'x', ''), fc.string({ maxLength: 5 })),
    compressed: fc.oneof(fc.constantFrom('0', '1', '2'), fc.string({ maxLength: 2 })),
    enc: fc.oneof(fc.constantFrom('none', 'AES-256', 'AES-128'), fc.string({ maxLength: 8 })),
    rest: fc.array(fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'.split('')), maxLength: 70 }), fc.string({ maxLength: 20 }), fc.nat().map(String)), { maxLength: 6 }),
  });

  it('parseAbHeader never throws foreign errors; what it accepts is consistent', () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, tail) => {
        const buf = Buffer.concat([Buffer.from(['ANDROID BACKUP', h.version, h.compressed, h.enc, ...h.rest].join('\n') + '\n', 'latin1'), Buffer.from(tail)]);
        try {
          const parsed = parseAbHeader(buf);
          expect(parsed.version).toBeGreaterThanOrEqual(1);
          expect(parsed.version).toBeLessThanOrEqual(5);
          expect(parsed.headerLength).toBeLessThanOrEqual(buf.length);
          if (parsed.crypto) expect(parsed.crypto.rounds).toBeLessThanOrEqual(2_000_000);
        } catch (e) {
          onlyOurErrors(e);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('parseAbHeader and readMiuiHeader on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (a, miui) => {
        const buf = Buffer.concat([Buffer.from(miui ? 'MIUI BACKUP\n' : ''), Buffer.from(a)]);
        try {
          parseAbHeader(buf);
        } catch (e) {
          onlyOurErrors(e);
        }
        try {
          readMiuiHeader(buf);
        } catch (e) {
          onlyOurErrors(e);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('entry-name sanitiser', () => {
  const segment = fc.oneof(fc.constantFrom('..', '.', '', 'C:', 'a\\..\\b', 'CON', 'x\u0000y', '/'), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));
  const name = fc.oneof(fc.array(segment, { maxLength: 8 }).map((s) => s.join('/')), fc.string({ unit: 'binary', maxLength: 80 }));

  it('never throws foreign errors; accepted names are relative, contained and normalised', () => {
    fc.assert(
      fc.property(name, (raw) => {
        try {
          const safe = sanitizeEntryName(raw);
          expect(safe.path.startsWith('/')).toBe(false);
          expect(/^[A-Za-z]:/.test(safe.path)).toBe(false);
          expect(safe.segments).not.toContain('..');
          expect(safe.segments).not.toContain('.');
          expect(safe.segments).not.toContain('');
          expect(safe.path.includes('\\')).toBe(false);
          expect(safe.path.includes('\u0000')).toBe(false);
          expect(safe.segments.join('/')).toBe(safe.path);
        } catch (e) {
          onlyOurErrors(e);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('EXIF wrapper', () => {
  it('mutated real EXIF never throws: unreadable metadata is reported, not raised', async () => {
    const jpeg = readFileSync('/work/shared/fixtures/photos/exifr__IMG_20180725_163423-tiny.jpg').subarray(0, 20_000);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 2, max: 2000 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), async (edits) => {
        const b = Buffer.from(jpeg);
        for (const [at, v] of edits) b[at] = v;
        const meta = await readPhotoMetadata(b);
        expect(typeof meta.hasCameraExif).toBe('boolean');
        if (meta.lat !== undefined) expect(Math.abs(meta.lat)).toBeLessThanOrEqual(90);
      }),
      { numRuns: RUNS },
    );
  });
});
