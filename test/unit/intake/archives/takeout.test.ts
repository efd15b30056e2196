// A Google Takeout archive (zip and tgz) built from the real fixtures, laid out as Takeout
// lays them out: Contacts (.vcf), Calendar (.ics), Keep (JSON + attachments + Labels.txt),
// Mail (.mbox), Google Photos with sidecars (full, truncated and "(1)" names), a name
// collision across folders, and Takeout's own archive_browser.html.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tgzImporter, zipImporter } from '../../../../main/core/intake/archives/containers';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import type { ParsedItem } from '../../../../main/core/intake/types';
import { countBy, runImporter, tarOf, tempDataFolder } from './helpers';
import { zipOf } from './zip-writer';

const F = '/work/shared/fixtures';
const KEEP = join(F, 'notes/keep_takeout/Keep');
let data: ReturnType<typeof tempDataFolder>;
beforeEach(() => {
  data = tempDataFolder();
});
afterEach(() => data.cleanup());

function takeoutFiles(): Array<{ name: string; data: Buffer }> {
  const jpg = readFileSync(join(F, 'photos/exifr__IMG_20180725_163423-tiny.jpg'));
  const png = readFileSync(join(F, 'photos/exifr__IMG_20180725_163423-1.png'));
  const sidecar = (o: object): Buffer => Buffer.from(JSON.stringify(o));
  return [
    { name: 'Takeout/archive_browser.html', data: Buffer.from('<html>Takeout index</html>') },
    { name: 'Takeout/Contacts/All Contacts/All Contacts.vcf', data: readFileSync(join(F, 'contacts/ezvcard__gmail-list.vcf')) },
    { name: 'Takeout/Calendar/Holidays.ics', data: readFileSync(join(F, 'calendar/ical4j__EXDATE.ics')) },
    { name: 'Takeout/Mail/All mail Including Spam and Trash.mbox', data: readFileSync(join(F, 'email/nodembox__test-4-message.mbox')) },
    ...readdirSync(KEEP).map((n) => ({ name: `Takeout/Keep/${n}`, data: readFileSync(join(KEEP, n)) })),
    // EXIF has time and GPS: the sidecar's (different) values must NOT override them.
    { name: 'Takeout/Google Photos/Photos from 2018/IMG_20180725_163423.jpg', data: jpg },
    {
      name: 'Takeout/Google Photos/Photos from 2018/IMG_20180725_163423.jpg.supplemental-metad.json',
      data: sidecar({ title: 'IMG_20180725_163423.jpg', description: 'Harbour walk', photoTakenTime: { timestamp: '1000000000' }, geoData: { latitude: 1.5, longitude: 2.5 }, people: [{ name: 'Ada' }] }),
    },
    // No EXIF time/GPS: the "(1)" sidecar supplies both.
    { name: 'Takeout/Google Photos/Photos from 2019/IMG_1234(1).png', data: png },
    { name: 'Takeout/Google Photos/Photos from 2019/IMG_1234.png(1).json', data: sidecar({ title: 'IMG_1234.png', photoTakenTime: { timestamp: '1561939200' }, geoData: { latitude: 48.858370, longitude: 2.294481 } }) },
    // The same name in another album: a different file, imported on its own.
    { name: 'Takeout/Google Photos/Album/IMG_1234(1).png', data: Buffer.concat([png]) },
    { name: 'Takeout/Google Photos/Album/metadata.json', data: sidecar({ title: 'Album', description: '' }) },
  ];
}

function checkTakeout(items: ParsedItem[]): void {
  const keepJson = readdirSync(KEEP).filter((n) => n.endsWith('.json'));
  const counts = countBy(items);
  expect(counts.contact).toBe(3);
  expect(counts.email).toBe(4);
  expect(counts.event).toBeGreaterThanOrEqual(1);
  expect(counts.photo).toBe(3);
  // Keep: every JSON is a note or (broken/invalid) kept as a file; Labels.txt read by the Keep importer.
  expect(counts.note ?? 0).toBeGreaterThanOrEqual(keepJson.length - 2);
  const drawings = items.find((i) => i.category === 'note' && i.title === 'Drawings (multiple) note')!;
  expect(drawings.files?.map((f) => f.name)).toEqual(expect.arrayContaining(['1690514342456.1074605235.png', '1690514400167.1149307624.png']));
  const voice = items.find((i) => i.category === 'note' && i.title === 'Voice recording')!;
  expect(voice.files?.map((f) => f.name)).toContain('1690859067849.259766.1353747803.3gp');
  // Keep attachments (png/3gp) are NOT separate photos/videos: they belong to their notes.
  expect(items.some((i) => i.category === 'video')).toBe(false);
  expect(items.filter((i) => i.category === 'photo').every((i) => String(i.fields.fileName).startsWith('IMG_'))).toBe(true);
  const jpg = items.find((i) => i.fields.fileName === 'IMG_20180725_163423.jpg')!;
  expect(new Date(jpg.occurredAt!).toISOString()).toBe('2018-07-25T16:34:23.000Z');
  expect(jpg.location!.lat.toFixed(4)).toBe('50.2996');
  expect(jpg.fields.sidecar).toMatchObject({ file: 'IMG_20180725_163423.jpg.supplemental-metad.json', description: 'Harbour walk', people: ['Ada'] });
  expect(jpg.text).toContain('Harbour walk');
  const pngs = items.filter((i) => i.fields.fileName === 'IMG_1234(1).png');
  expect(pngs).toHaveLength(2);
  const withSidecar = pngs.find((i) => i.fields.sidecar)!;
  expect(new Date(withSidecar.occurredAt!).toISOString()).toBe('2019-07-01T00:00:00.000Z');
  expect(withSidecar.fields.timeSource).toBe('google photos sidecar');
  expect(withSidecar.location!.lat.toFixed(4)).toBe('48.8584');
  expect(withSidecar.location!.lon.toFixed(4)).toBe('2.2945');
  const noSidecar = pngs.find((i) => !i.fields.sidecar)!;
  expect(noSidecar.location).toBeUndefined();
  // Identical bytes in two folders are one item (same key) with two sources.
  expect(pngs[0]!.sourceKey).toBe(pngs[1]!.sourceKey);
  // Sidecars are not items of their own; the album metadata and the index page are kept as files.
  const files = items.filter((i) => i.category === 'file').map((i) => i.fields.path);
  expect(files).toContain('Takeout/archive_browser.html');
  expect(files).toContain('Takeout/Google Photos/Album/metadata.json');
  expect(files.some((p) => String(p).endsWith('supplemental-metad.json') || String(p).endsWith('(1).json'))).toBe(false);
  expect(items.find((i) => i.fields.path === 'Takeout/archive_browser.html')!.personal).toBe(false);
}

describe('Google Takeout', () => {
  it('zip: every service dispatched, sidecars applied, collisions kept apart, staging removed', async () => {
    writeFileSync(join(data.dir, 'takeout-001.zip'), zipOf(takeoutFiles()));
    const r = await runImporter(zipImporter({ dataFolder: data.dir }), fileInput(join(data.dir, 'takeout-001.zip')));
    expect(r.error).toBeUndefined();
    checkTakeout(r.items);
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('progress is reported in bytes of the archive file, never past its size', async () => {
    const { collectingContext } = await import('../../../../main/core/intake/types');
    writeFileSync(join(data.dir, 'p.zip'), zipOf(takeoutFiles()));
    const input = fileInput(join(data.dir, 'p.zip'));
    const seen: number[] = [];
    const ctx = { ...collectingContext(), report: (p: { bytes?: number }) => void (p.bytes !== undefined && seen.push(p.bytes)) };
    for await (const _ of zipImporter({ dataFolder: data.dir })(input, ctx)) void _;
    expect(seen.length).toBeGreaterThan(5);
    expect(Math.max(...seen)).toBeLessThanOrEqual(input.size);
    expect(seen.at(-1)).toBe(input.size);
    expect(seen.every((b, i) => i === 0 || b >= seen[i - 1]!)).toBe(true);
  });

  it('tgz: the same archive as .tgz gives the same items', async () => {
    writeFileSync(join(data.dir, 'takeout-001.tgz'), gzipSync(await tarOf(takeoutFiles())));
    const r = await runImporter(tgzImporter({ dataFolder: data.dir }), fileInput(join(data.dir, 'takeout-001.tgz')));
    expect(r.error).toBeUndefined();
    checkTakeout(r.items);
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('only files a Keep note names are its attachments; other files in a "Keep" folder are imported', async () => {
    const png = readFileSync(join(F, 'photos/exifr__IMG_20180725_163423-1.png'));
    const jpg = readFileSync(join(F, 'photos/exifr__IMG_20180725_163423-tiny.jpg'));
    const note = { title: 'With picture', textContent: 'see image', isTrashed: false, isArchived: false, isPinned: false, userEditedTimestampUsec: 1690514342456000, attachments: [{ filePath: 'pic.png', mimetype: 'image/png' }] };
    writeFileSync(
      join(data.dir, 'keep.zip'),
      zipOf([
        { name: 'Takeout/Keep/With picture.json', data: Buffer.from(JSON.stringify(note)) },
        { name: 'Takeout/Keep/With picture.html', data: Buffer.from('<html>With picture</html>') },
        { name: 'Takeout/Keep/pic.png', data: png },
        { name: 'Photos/Keep/holiday.jpg', data: jpg },
      ]),
    );
    const r = await runImporter(zipImporter({ dataFolder: data.dir }), fileInput(join(data.dir, 'keep.zip')));
    expect(countBy(r.items)).toEqual({ note: 1, photo: 1 });
    expect(r.items.find((i) => i.category === 'note')!.files?.map((f) => f.name)).toContain('pic.png');
    expect(r.items.find((i) => i.category === 'photo')!.fields.fileName).toBe('holiday.jpg');
  });

  it('zip64 end records (as large Takeouts write them) are read', async () => {
    writeFileSync(join(data.dir, 'z64.zip'), zipOf(takeoutFiles(), { forceZip64: true }));
    const r = await runImporter(zipImporter({ dataFolder: data.dir }), fileInput(join(data.dir, 'z64.zip')));
    expect(r.error).toBeUndefined();
    checkTakeout(r.items);
  });
});
