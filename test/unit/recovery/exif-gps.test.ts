// The EXIF GPS rewriter and PNG chunk filter on real photos: approximate keeps latitude and
// longitude rounded to 0.01° and nothing else of the GPS IFD; none leaves no GPS; the image
// data and every non-GPS byte outside the GPS IFD are unchanged; a PNG loses its eXIf; damaged
// or random input is refused with a KeepsakeError (never another exception, never a hang).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../../common/errors';
import { rewriteJpegGps, stripPngLocation } from '../../../main/core/recovery/exif-gps';
import { FIXTURES } from './helpers';

const jpeg = readFileSync(join(FIXTURES, 'photos', 'exifr__IMG_20180725_163423-tiny.jpg'));
const png = readFileSync(join(FIXTURES, 'photos', 'exifr__png_with_exif_and_gps.png'));

/** Where the first segment (the Exif APP1 in this fixture) ends: everything after it is the picture and other segments. */
function afterApp1(b: Buffer): number {
  let p = 2;
  while (b[p + 1] !== 0xe1) p += 2 + b.readUInt16BE(p + 2);
  return p + 2 + b.readUInt16BE(p + 2);
}

describe('JPEG GPS rewrite', () => {
  it('the fixture really carries precise GPS (control)', async () => {
    const gps = await exifr.gps(jpeg);
    expect(gps.latitude).toBeCloseTo(50.2996, 3);
    expect(gps.latitude * 100 % 1).not.toBe(0);
  });

  it('approximate: coordinates rounded to 0.01°, other GPS tags gone, picture and other EXIF unchanged', async () => {
    const r = rewriteJpegGps(jpeg, 'approximate');
    expect(r.changed).toBe(true);
    expect(r.kept).toEqual({ lat: 50.3, lon: 14.82 });
    const gps = await exifr.gps(r.bytes);
    expect(gps).toEqual({ latitude: 50.3, longitude: 14.82 });
    const all = await exifr.parse(r.bytes, { gps: true, tiff: true, exif: true });
    const gpsTags = Object.keys(all).filter((k) => k.startsWith('GPS'));
    expect(gpsTags.sort()).toEqual(['GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef', 'GPSVersionID'].filter((k) => gpsTags.includes(k)).sort());
    const before = await exifr.parse(jpeg, { tiff: true, exif: true, gps: false });
    const after = await exifr.parse(r.bytes, { tiff: true, exif: true, gps: false });
    expect(after.Make).toBe(before.Make);
    expect(after.DateTimeOriginal).toEqual(before.DateTimeOriginal);
    expect(r.bytes.length).toBe(jpeg.length);
    expect(r.bytes.subarray(afterApp1(r.bytes)).equals(jpeg.subarray(afterApp1(jpeg)))).toBe(true);
    expect(readFileSync(join(FIXTURES, 'photos', 'exifr__IMG_20180725_163423-tiny.jpg')).equals(jpeg)).toBe(true); // the input is never modified
  });

  it('none: no GPS left at all', async () => {
    const r = rewriteJpegGps(jpeg, 'none');
    expect(r.changed).toBe(true);
    expect(r.kept).toBeNull();
    expect(await exifr.gps(r.bytes)).toBeUndefined();
    const all = await exifr.parse(r.bytes, { gps: true });
    expect(Object.keys(all ?? {}).filter((k) => k.startsWith('GPS'))).toEqual([]);
  });

  it('a JPEG without GPS is returned unchanged', () => {
    const noGps = rewriteJpegGps(jpeg, 'none').bytes;
    const again = rewriteJpegGps(noGps, 'none');
    expect(again.changed).toBe(false);
    expect(again.bytes.equals(noGps)).toBe(true);
  });

  it('damaged EXIF fixtures give a KeepsakeError or an unchanged copy, never a crash', () => {
    for (const f of ['exifr__RangeError_Invalid_typed_array_length.jpg', 'exifr__RangeError_Offset_outside_bounds.jpg']) {
      const b = readFileSync(join(FIXTURES, 'photos', f));
      try {
        const r = rewriteJpegGps(b, 'none');
        expect(r.bytes.length).toBeLessThanOrEqual(b.length);
      } catch (e) {
        expect(e).toBeInstanceOf(KeepsakeError);
      }
    }
    expect(() => rewriteJpegGps(Buffer.from('not a jpeg'), 'none')).toThrow(KeepsakeError);
  });

  it('random corruption of the header never throws anything but a KeepsakeError', () => {
    const head = afterApp1(jpeg);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(head - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (muts) => {
        const b = Buffer.from(jpeg);
        for (const [i, v] of muts) b[i] = v;
        try {
          rewriteJpegGps(b, 'approximate');
        } catch (e) {
          if (!(e instanceof KeepsakeError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('PNG location', () => {
  it('drops the eXIf chunk (GPS gone), keeps the pixels', async () => {
    expect(await exifr.gps(png)).toBeDefined();
    const r = stripPngLocation(png);
    expect(r.changed).toBe(true);
    expect(await exifr.gps(r.bytes)).toBeUndefined();
    expect(r.bytes.includes(Buffer.from('IDAT'))).toBe(true);
    expect(r.bytes.includes(Buffer.from('eXIf'))).toBe(false);
  });

  it('refuses what is not a PNG, and truncated chunks', () => {
    expect(() => stripPngLocation(jpeg)).toThrow(KeepsakeError);
    expect(() => stripPngLocation(png.subarray(0, 40))).toThrow(KeepsakeError);
  });
});
