// The registry picks the media and container importers by content, and the container
// formats read their options (data folder for staging, .ab password) from the context.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerContext } from '../../../../main/core/intake/archives/formats';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import { allFolderFormats, detectFormat } from '../../../../main/core/intake/registry';
import { collectingContext, type ParsedItem } from '../../../../main/core/intake/types';
import { tempDataFolder } from './helpers';
import { zipOf } from './zip-writer';

let data: ReturnType<typeof tempDataFolder>;
beforeEach(() => {
  data = tempDataFolder();
});
afterEach(() => data.cleanup());

const head = (p: string): Buffer => readFileSync(p).subarray(0, 65536);

describe('registry entries for media and containers', () => {
  it('detects by content, whatever the name says', () => {
    expect(detectFormat(head('/work/shared/fixtures/photos/exifr__heic-iphone7.heic'), 'photo.txt')?.id).toBe('media');
    expect(detectFormat(head('/work/shared/fixtures/photos/exifr__png_with_exif_and_gps.png'), 'x.png')?.id).toBe('media');
    expect(detectFormat(head('/work/shared/fixtures/backups/bluec0re__test_aes256_pw-test_v3.ab'), 'backup')?.id).toBe('android-backup');
    expect(detectFormat(Buffer.concat([Buffer.from('MIUI BACKUP\n2\n'), head('/work/shared/fixtures/backups/bluec0re__test_nonenc_v3.ab')]), 'sms.bak')?.id).toBe('miui-backup');
    expect(detectFormat(zipOf([{ name: 'a.txt', data: Buffer.from('a') }]), 'takeout-20240101T000000Z-001.zip')?.id).toBe('zip');
    expect(detectFormat(Buffer.from([0x1f, 0x8b, 8, 0]), 'takeout.tgz')?.id).toBe('tgz');
    expect(detectFormat(Buffer.from('SQLite format 3\u0000'), 'Manifest.db')?.id).toBe('ios-backup-manifest');
    // A vCard named .jpg is still a vCard (records are asked first, content wins).
    expect(detectFormat(Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n'), 'x.jpg')?.id).toBe('vcard');
    expect(allFolderFormats().map((f) => f.id)).toContain('ios-backup');
    // A Google Photos sidecar on its own is claimed (and yields nothing), not read as a Keep note.
    expect(detectFormat(Buffer.from('{"title":"IMG_1.jpg","photoTakenTime":{"timestamp":"1"}}'), 'IMG_1.jpg.json')?.id).toBe('google-photos-sidecar');
    expect(detectFormat(Buffer.from('{"title":"t","textContent":"x","isTrashed":false}'), 'note.json')?.id).toBe('keep-note');
  });

  it('a sidecar on its own yields no items and says why', async () => {
    const spec = detectFormat(Buffer.from('{"photoTakenTime":{"timestamp":"1"}}'), 'a.jpg.json')!;
    const ctx = collectingContext();
    const items: ParsedItem[] = [];
    const { bufferInput } = await import('../../../../main/core/intake/archives/inputs');
    for await (const i of spec.importer(bufferInput('a.jpg.json', Buffer.from('{"photoTakenTime":{"timestamp":"1"}}')), ctx)) items.push(i);
    expect(items).toEqual([]);
    expect(ctx.notes).toEqual(['Google Photos metadata: read together with the photo it describes.']);
  });

  it('a container importer stages inside ctx.dataFolder and uses ctx.password', async () => {
    const spec = detectFormat(head('/work/shared/fixtures/backups/bluec0re__test_aes256_pw-test_v3.ab'), 'b.ab')!;
    const cleanups: Array<() => void> = [];
    const ctx: ContainerContext = { ...collectingContext(), dataFolder: data.dir, password: 'test', defer: (f) => cleanups.push(f) };
    const items: ParsedItem[] = [];
    for await (const i of spec.importer(fileInput('/work/shared/fixtures/backups/bluec0re__test_aes256_pw-test_v3.ab'), ctx)) items.push(i);
    expect(items).toHaveLength(4);
    expect(data.stagingLeftovers()).toHaveLength(1); // still there until the caller is done
    for (const c of cleanups) c();
    expect(data.stagingLeftovers()).toEqual([]);
    writeFileSync(join(data.inputs, 'x.zip'), zipOf([{ name: 'a.bin', data: Buffer.from([1]) }]));
    const zip = detectFormat(head(join(data.inputs, 'x.zip')), 'x.zip')!;
    const out: ParsedItem[] = [];
    for await (const i of zip.importer(fileInput(join(data.inputs, 'x.zip')), { ...collectingContext(), dataFolder: data.dir } as ContainerContext)) out.push(i);
    expect(out.map((i) => i.fields.path)).toEqual(['a.bin']);
  });
});
