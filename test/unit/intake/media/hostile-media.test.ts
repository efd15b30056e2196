// Hostile photos (RELIABILITY rows 28–29): EXIF offset loops, huge tag counts, offsets out
// of bounds, truncated files, a decompression bomb (a tiny PNG claiming 17000×17000), a
// HEIC whose declared size is over the cap. Each photo must still be imported with its
// original bytes, the problem written into its fields, and no hang.
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bufferInput } from '../../../../main/core/intake/archives/inputs';
import { readPhotoMetadata } from '../../../../main/core/intake/media/exif';
import { importMedia } from '../../../../main/core/intake/media/media-importer';
import { thumbnailOf } from '../../../../main/core/intake/media/thumbnail';
import { collectingContext, type ParsedItem } from '../../../../main/core/intake/types';

const JPEG = readFileSync('/work/shared/fixtures/photos/exifr__IMG_20180725_163423-tiny.jpg');

async function one(bytes: Buffer, name: string): Promise<ParsedItem> {
  const out: ParsedItem[] = [];
  for await (const i of importMedia(bufferInput(name, bytes), collectingContext())) out.push(i);
  expect(out).toHaveLength(1);
  const original = out[0]!.files!.find((f) => f.role === 'original')!;
  expect((original.data as Buffer).equals(bytes)).toBe(true);
  return out[0]!;
}

/** A JPEG with our own APP1 Exif segment inserted right after SOI (exifr reads the first). */
function withExif(tiff: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([JPEG.subarray(0, 2), seg, payload, JPEG.subarray(2)]);
}

function ifd(entries: Array<[number, number, number, number]>, next: number): Buffer {
  const b = Buffer.alloc(2 + entries.length * 12 + 4);
  b.writeUInt16LE(entries.length, 0);
  entries.forEach(([tag, type, count, value], i) => {
    b.writeUInt16LE(tag, 2 + i * 12);
    b.writeUInt16LE(type, 4 + i * 12);
    b.writeUInt32LE(count, 6 + i * 12);
    b.writeUInt32LE(value, 10 + i * 12);
  });
  b.writeUInt32LE(next, 2 + entries.length * 12);
  return b;
}

const TIFF_HEAD = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);

function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length, 0);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td), 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))]);
}

describe('hostile photos', () => {
  it('an IFD whose next-IFD offset points to itself does not hang; the photo is kept', async () => {
    const loop = withExif(Buffer.concat([TIFF_HEAD, ifd([[0x0112, 3, 1, 6]], 8)]));
    const item = await one(loop, 'loop.jpg');
    expect(item.category).toBe('photo');
    expect(item.files!.some((f) => f.role === 'thumbnail')).toBe(true);
  });

  it('Exif, GPS and Interop pointers that point back at IFD0 do not loop', async () => {
    const tiff = Buffer.concat([TIFF_HEAD, ifd([[0x8769, 4, 1, 8], [0x8825, 4, 1, 8], [0xa005, 4, 1, 8]], 8)]);
    const meta = await readPhotoMetadata(withExif(tiff));
    expect(meta).toMatchObject({ hasCameraExif: false });
    expect(meta.lat).toBeUndefined();
  });

  it('a huge tag count and offsets past the end: no crash, no camera invented', async () => {
    const tiff = Buffer.concat([TIFF_HEAD, ifd([[0x010f, 2, 0x7fffffff, 0x7ffffff0], [0x8769, 4, 1, 0xfffffff0], [0x8825, 4, 1, 9999]], 0)]);
    const meta = await readPhotoMetadata(withExif(tiff));
    expect(meta.make).toBeUndefined();
    const item = await one(withExif(tiff), 'huge.jpg');
    expect(item.fields.camera).toBeUndefined();
  });

  it('a truncated JPEG: kept, thumbnail refused or made, never a crash', async () => {
    const item = await one(JPEG.subarray(0, 5000), 'cut.jpg');
    expect(item.category).toBe('photo');
    expect(typeof item.fields.thumbnail === 'string' || item.files!.some((f) => f.role === 'thumbnail')).toBe(true);
  });

  it('decompression bomb: a ~1 KB PNG claiming 17000×17000 is not decoded; the original is kept', async () => {
    const bomb = pngClaiming(17000, 17000);
    expect(bomb.length).toBeLessThan(2048);
    await expect(thumbnailOf(bomb)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/17000×17000 pixels, above the 100 M pixel limit/) });
    const item = await one(bomb, 'bomb.png');
    expect(item.fields.thumbnail).toMatch(/^none — The image is 17000×17000 pixels/);
    expect(item.files!.map((f) => f.role)).toEqual(['original']);
  });

  it('the screenshot rule: names, folders, and a phone-shaped PNG without camera EXIF', async () => {
    const tall = pngClaiming(1080, 2340);
    expect((await one(tall, 'IMG_1.png')).fields.screenshotRule).toBe('png shape without camera EXIF');
    expect((await one(pngClaiming(1000, 1000), 'square.png')).category).toBe('photo');
    expect((await one(JPEG, 'Screenshot_20200101-101010.jpg')).fields.screenshotRule).toBe('file name');
    expect((await one(JPEG, 'Screen Shot 2020-01-01 at 10.10.10.jpg')).category).toBe('screenshot');
    const inFolder: ParsedItem[] = [];
    for await (const i of importMedia(bufferInput('backup.zip!/Pictures/Screenshots/a.jpg', JPEG), collectingContext())) inFolder.push(i);
    expect(inFolder[0]!.fields.screenshotRule).toBe('folder');
    // A camera JPEG of screen shape stays a photo (it has camera EXIF and is not a PNG).
    expect((await one(JPEG, 'IMG_20180725_163423.jpg')).category).toBe('photo');
  });

  it('not a media file at all: UNSUPPORTED with a plain reason', async () => {
    const it = importMedia(bufferInput('notes.txt', Buffer.from('hello')), collectingContext());
    await expect(it.next()).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/not a photo or video/) });
  });
});
