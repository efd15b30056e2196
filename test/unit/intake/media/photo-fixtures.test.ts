// Every photo in /work/shared/fixtures/photos imported through the media importer, with the
// specifics asserted: category, camera, capture time, GPS to 4 decimals, thumbnail, and the
// original bytes kept byte for byte.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import { importMedia } from '../../../../main/core/intake/media/media-importer';
import { collectingContext, type ParsedItem } from '../../../../main/core/intake/types';
import sharp from 'sharp';

const DIR = '/work/shared/fixtures/photos';

async function one(name: string): Promise<ParsedItem> {
  const items: ParsedItem[] = [];
  for await (const item of importMedia(fileInput(join(DIR, name)), collectingContext())) items.push(item);
  expect(items).toHaveLength(1);
  const item = items[0]!;
  const original = item.files?.find((f) => f.role === 'original');
  expect(Buffer.isBuffer(original?.data) && (original.data as Buffer).equals(readFileSync(join(DIR, name)))).toBe(true);
  expect(item.personal).toBe(true);
  expect(item.sourceKey).toMatch(/^media:sha256:[0-9a-f]{64}$/);
  return item;
}

async function thumbSize(item: ParsedItem): Promise<{ width: number; height: number }> {
  const t = item.files?.find((f) => f.role === 'thumbnail');
  expect(t?.mime).toBe('image/jpeg');
  const m = await sharp(t!.data as Buffer).metadata();
  return { width: m.width!, height: m.height! };
}

describe('photo fixtures', () => {
  it('Pixel JPEG: camera, time, GPS, 320px thumbnail', async () => {
    const item = await one('exifr__IMG_20180725_163423-tiny.jpg');
    expect(item.category).toBe('photo');
    expect(item.fields.camera).toEqual({ make: 'Google', model: 'Pixel' });
    expect(new Date(item.occurredAt!).toISOString()).toBe('2018-07-25T16:34:23.000Z');
    expect(item.fields.timeSource).toMatch(/^exif \(no time zone/);
    expect(item.location!.lat.toFixed(4)).toBe('50.2996');
    expect(item.location!.lon.toFixed(4)).toBe('14.8203');
    expect(item.fields.orientation).toBe(1);
    expect(await thumbSize(item)).toEqual({ width: 320, height: 240 });
    expect(item.fields).toMatchObject({ width: 1012, height: 759, format: 'jpeg' });
  });

  it('iPhone 7 HEIC: camera, offset-aware time, GPS, thumbnail via heic-decode', async () => {
    const item = await one('exifr__heic-iphone7.heic');
    expect(item.category).toBe('photo');
    expect(item.fields.camera).toEqual({ make: 'Apple', model: 'iPhone 7' });
    // 2019:10:20 18:34:30 at +02:00
    expect(new Date(item.occurredAt!).toISOString()).toBe('2019-10-20T16:34:30.000Z');
    expect(item.fields.timeSource).toBe('exif');
    expect(item.location!.lat.toFixed(4)).toBe('38.0466');
    expect(item.location!.lon.toFixed(4)).toBe('12.9944');
    expect(item.fields).toMatchObject({ width: 4032, height: 3024, format: 'heic' });
    expect(await thumbSize(item)).toEqual({ width: 320, height: 240 });
  });

  it('HEIC collection: four top-level images, the primary one thumbnailed', async () => {
    const item = await one('exifr__heic-collection.heic');
    expect(item.category).toBe('photo');
    expect(item.fields.heifImages).toBe(4);
    expect(item.fields).toMatchObject({ width: 1440, height: 960 });
    expect(await thumbSize(item)).toEqual({ width: 320, height: 213 });
    expect(item.occurredAt).toBeUndefined();
    expect(item.location).toBeUndefined();
  });

  it('HEIC without EXIF: kept, no time or place, still thumbnailed', async () => {
    const item = await one('exifr__heic-empty.heic');
    expect(item.fields.camera).toBeUndefined();
    expect(item.occurredAt).toBeUndefined();
    expect(item.location).toBeUndefined();
    expect(item.fields).toMatchObject({ width: 3992, height: 2992 });
    expect(await thumbSize(item)).toEqual({ width: 320, height: 240 });
  });

  it('PNG with an eXIf chunk: Canon camera, time and GPS from the PNG', async () => {
    const item = await one('exifr__png_with_exif_and_gps.png');
    expect(item.category).toBe('photo');
    expect(item.fields.camera).toEqual({ make: 'Canon', model: 'Canon PowerShot S40' });
    expect(new Date(item.occurredAt!).toISOString()).toBe('2003-12-14T12:01:44.000Z');
    expect(item.location!.lat.toFixed(4)).toBe('50.2996');
    expect(item.location!.lon.toFixed(4)).toBe('14.8203');
    expect(await thumbSize(item)).toEqual({ width: 1, height: 1 });
  });

  it('PNG derived from a Pixel photo: no camera EXIF, time from the file name, not a screenshot (4:3)', async () => {
    const item = await one('exifr__IMG_20180725_163423-1.png');
    expect(item.category).toBe('photo');
    expect(item.fields.camera).toBeUndefined();
    expect(new Date(item.occurredAt!).toISOString()).toBe('2018-07-25T16:34:23.000Z');
    expect(item.fields.timeSource).toMatch(/^file name/);
    expect(item.fields).toMatchObject({ width: 40, height: 30 });
  });

  it.each(['exifr__RangeError_Invalid_typed_array_length.jpg', 'exifr__RangeError_Offset_outside_bounds.jpg'])('malformed EXIF (%s): the photo is kept and thumbnailed, no camera or GPS', async (name) => {
    const item = await one(name);
    expect(item.category).toBe('photo');
    expect(item.fields.camera).toBeUndefined();
    expect(item.location).toBeUndefined();
    expect(item.files?.some((f) => f.role === 'thumbnail')).toBe(true);
  });

  it('exifr issue 4 JPEG (XMP only): time from XMP CreateDate, Pano2VR as software', async () => {
    const item = await one('exifr__issue-exifr-4.jpg');
    expect(new Date(item.occurredAt!).toISOString()).toBe('2019-03-22T12:33:04.000Z');
    expect(item.fields.software).toBe('Pano2VR 6.0.4');
    expect(item.fields).toMatchObject({ width: 100, height: 50 });
  });

  it('the same bytes give the same key; different photos different keys', async () => {
    const a = await one('exifr__IMG_20180725_163423-tiny.jpg');
    const b = await one('exifr__IMG_20180725_163423-tiny.jpg');
    const c = await one('exifr__issue-exifr-4.jpg');
    expect(a.sourceKey).toBe(b.sourceKey);
    expect(a.sourceKey).not.toBe(c.sourceKey);
  });
});
