// MP4/MOV metadata read by the bounded box walker. No video is among the shared fixtures,
// so these files are built box by box the way phones write them: Android puts ©xyz in
// moov/udta; iPhones add moov/meta keys+ilst (com.apple.quicktime.location.ISO6709 and
// .creationdate). The moov box is placed AFTER mdat, as in most phone recordings.
import { describe, expect, it } from 'vitest';
import { bufferInput } from '../../../../main/core/intake/archives/inputs';
import { importMedia } from '../../../../main/core/intake/media/media-importer';
import { parseIso6709 } from '../../../../main/core/intake/media/mp4-meta';
import { collectingContext, type ParsedItem } from '../../../../main/core/intake/types';

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
}

function mvhd(createdUnixS: number, timescale: number, duration: number): Buffer {
  const p = Buffer.alloc(100);
  p.writeUInt32BE(createdUnixS + 2_082_844_800, 4);
  p.writeUInt32BE(createdUnixS + 2_082_844_800, 8);
  p.writeUInt32BE(timescale, 12);
  p.writeUInt32BE(duration, 16);
  return box('mvhd', p);
}

function textAtom(type: string, text: string): Buffer {
  const t = Buffer.from(text, 'utf8');
  const h = Buffer.alloc(4);
  h.writeUInt16BE(t.length, 0);
  h.writeUInt16BE(0x15c7, 2);
  return box(type, h, t);
}

function appleKeys(entries: Array<[string, string]>): Buffer {
  const keys = entries.map(([k]) => {
    const name = Buffer.from(k);
    const h = Buffer.alloc(8);
    h.writeUInt32BE(8 + name.length, 0);
    h.write('mdta', 4, 'latin1');
    return Buffer.concat([h, name]);
  });
  const count = Buffer.alloc(8);
  count.writeUInt32BE(entries.length, 4);
  const items = entries.map(([, v], i) => {
    const idx = Buffer.alloc(4);
    idx.writeUInt32BE(i + 1, 0);
    const dataHead = Buffer.alloc(8);
    dataHead.writeUInt32BE(1, 0);
    return box(idx.toString('latin1'), box('data', dataHead, Buffer.from(v)));
  });
  const hdlr = box('hdlr', Buffer.alloc(8), Buffer.from('mdta'), Buffer.alloc(13));
  return box('meta', hdlr, box('keys', count, ...keys), box('ilst', ...items));
}

async function one(bytes: Buffer, name: string): Promise<ParsedItem> {
  const out: ParsedItem[] = [];
  for await (const i of importMedia(bufferInput(name, bytes), collectingContext())) out.push(i);
  expect(out).toHaveLength(1);
  return out[0]!;
}

const ftyp = (brand: string): Buffer => box('ftyp', Buffer.from(brand, 'latin1'), Buffer.alloc(4), Buffer.from(`${brand}isom`, 'latin1'));

describe('video metadata', () => {
  it('Android MP4: creation time from mvhd, GPS from ©xyz, duration; moov after mdat', async () => {
    const mp4 = Buffer.concat([ftyp('mp42'), box('mdat', Buffer.alloc(300_000, 1)), box('moov', mvhd(1532536463, 1000, 12_345), box('udta', textAtom('\xa9xyz', '+50.2996+014.8203/')))]);
    const item = await one(mp4, 'VID_20180725_163423.mp4');
    expect(item.category).toBe('video');
    expect(new Date(item.occurredAt!).toISOString()).toBe('2018-07-25T16:34:23.000Z');
    expect(item.location).toEqual({ lat: 50.2996, lon: 14.8203 });
    expect(item.fields).toMatchObject({ durationMs: 12_345, mime: 'video/mp4', thumbnail: expect.stringMatching(/no video decoder/) });
    const original = item.files!.find((f) => f.role === 'original')!;
    expect(Buffer.isBuffer(original.data) && (original.data as Buffer).equals(mp4)).toBe(true);
  });

  it('iPhone MOV: Apple keys give the local creation date, place, make and model', async () => {
    const mov = Buffer.concat([
      ftyp('qt  '),
      box('wide'),
      box('mdat', Buffer.alloc(1000)),
      box('moov', mvhd(1571596470, 600, 600 * 3), appleKeys([['com.apple.quicktime.location.ISO6709', '+38.0466+012.9944+012.000/'], ['com.apple.quicktime.creationdate', '2019-10-20T18:34:30+0200'], ['com.apple.quicktime.make', 'Apple'], ['com.apple.quicktime.model', 'iPhone 7']])),
    ]);
    const item = await one(mov, 'IMG_0001.MOV');
    expect(item.category).toBe('video');
    expect(new Date(item.occurredAt!).toISOString()).toBe('2019-10-20T16:34:30.000Z');
    expect(item.location).toEqual({ lat: 38.0466, lon: 12.9944 });
    expect(item.fields).toMatchObject({ camera: { make: 'Apple', model: 'iPhone 7' }, durationMs: 3000, mime: 'video/quicktime' });
  });

  it('a moov box of size 0 (runs to the end of the file) is read', async () => {
    const moov = box('moov', mvhd(1532536463, 1000, 5000));
    moov.writeUInt32BE(0, 0);
    const item = await one(Buffer.concat([ftyp('mp42'), box('mdat', Buffer.alloc(100)), moov]), 'v.mp4');
    expect(new Date(item.occurredAt!).toISOString()).toBe('2018-07-25T16:34:23.000Z');
    expect(item.fields.durationMs).toBe(5000);
  });

  it('a video cut off inside its moov box: kept, "metadata unreadable"', async () => {
    const whole = Buffer.concat([ftyp('mp42'), box('moov', mvhd(1532536463, 1000, 5000), box('udta', textAtom('\xa9xyz', '+50.2996+014.8203/')))]);
    const item = await one(whole.subarray(0, whole.length - 10), 'cut.mp4');
    expect(item.category).toBe('video');
    expect(item.fields.metadata).toMatch(/cut off inside its index/);
  });

  it('a damaged moov keeps the video with "metadata unreadable"', async () => {
    const bad = Buffer.concat([ftyp('isom'), box('moov', Buffer.from([0, 0, 0, 4, 0x6d, 0x76, 0x68, 0x64]))]);
    const item = await one(bad, 'broken.mp4');
    expect(item.category).toBe('video');
    expect(item.fields.metadata).toMatch(/^metadata unreadable \(The file's structure is damaged/);
  });

  it('a screen recording is a screenshot-category item by its name', async () => {
    const mp4 = Buffer.concat([ftyp('mp42'), box('moov', mvhd(1600000000, 1000, 1000))]);
    const item = await one(mp4, 'Screen_Recording_20200913-120000.mp4');
    expect(item.category).toBe('screenshot');
  });

  it('ISO 6709 parsing', () => {
    expect(parseIso6709('-33.8688+151.2093/')).toEqual({ lat: -33.8688, lon: 151.2093 });
    expect(parseIso6709('+91.0+000.0/')).toBeUndefined();
    expect(parseIso6709('garbage')).toBeUndefined();
  });
});
