// Bear 2 backup (.bear2bk): a zip of TextBundles, one folder per note with text.md,
// info.json (Bear's metadata: ids, dates, pinned/archived/trashed/encrypted, last editing
// device) and assets/. Read with yauzl (strict file names, entry sizes validated) inside
// limits, so a hostile zip cannot exhaust memory: entry count, per-entry and total size,
// and compression ratio are capped. An encrypted note's body is not in the backup (Bear
// keeps it encrypted); it is imported with its metadata and said so in fields.
import yauzl from 'yauzl';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedFile, ParsedItem } from '../types';
import { decodeText, hashKey, readAll, validTime } from './util';

export const ZIP_LIMITS = { maxArchiveBytes: 1024 * 1024 * 1024, maxEntries: 100_000, maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024 * 1024, maxRatio: 200 };

interface Bundle {
  text?: Buffer;
  info?: Buffer;
  assets: Array<{ name: string; data: Buffer }>;
}

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true, decodeStrings: true }, (err, zip) => (err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip)));
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let n = 0;
      stream.on('data', (c: Buffer) => {
        n += c.length;
        if (n > ZIP_LIMITS.maxEntryBytes) stream.destroy(new Error('entry too large'));
        else chunks.push(c);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Reads every TextBundle in the archive into memory-bounded bundles keyed by folder. */
async function readBundles(buf: Buffer, ctx: ImportContext): Promise<Map<string, Bundle>> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buf);
  } catch (e) {
    throw new KeepsakeError('CORRUPT', `This Bear backup is not a readable zip archive (${(e as Error).message}).`);
  }
  const bundles = new Map<string, Bundle>();
  let entries = 0;
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          entries++;
          if (entries > ZIP_LIMITS.maxEntries) throw new KeepsakeError('UNSUPPORTED', `The archive has more than ${ZIP_LIMITS.maxEntries} entries and exceeds limits.`);
          const name = entry.fileName;
          const m = /(?:^|\/)([^/]+\.textbundle)\/(.+)$/.exec(name);
          const unsafe = name.includes('\u0000') || name.split('/').some((p) => p === '..') || name.startsWith('/') || /^[a-zA-Z]:/.test(name);
          if (unsafe) ctx.refuse(`entry ${name}`, 'This entry has an unsafe name (a path that leaves the archive) and was skipped.');
          else if (m && !name.endsWith('/')) {
            const size = entry.uncompressedSize;
            total += size;
            if (size > ZIP_LIMITS.maxEntryBytes || total > ZIP_LIMITS.maxTotalBytes) throw new KeepsakeError('UNSUPPORTED', 'The archive exceeds limits (too much data once unpacked).');
            if (size > 10 * 1024 * 1024 && entry.compressedSize > 0 && size / entry.compressedSize > ZIP_LIMITS.maxRatio) throw new KeepsakeError('UNSUPPORTED', 'The archive exceeds limits (an entry expands suspiciously far: a zip bomb).');
            const key = name.slice(0, name.length - m[2]!.length - 1);
            const b = bundles.get(key) ?? { assets: [] };
            bundles.set(key, b);
            const data = await readEntry(zip, entry);
            const inner = m[2]!;
            if (/^text\.(md|markdown|txt)$/i.test(inner)) b.text = data;
            else if (inner === 'info.json') b.info = data;
            else if (inner.startsWith('assets/')) b.assets.push({ name: inner.slice(7).replace(/[\\/]/g, '_'), data });
          }
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    if (e instanceof KeepsakeError) throw e;
    throw new KeepsakeError('CORRUPT', `This Bear backup could not be unpacked (${(e as Error).message}).`);
  }
  return bundles;
}

const MIME: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', heic: 'image/heic', pdf: 'application/pdf', webp: 'image/webp', mp4: 'video/mp4', mov: 'video/quicktime', m4a: 'audio/mp4' };

export async function* importBear(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const buf = await readAll(input, ZIP_LIMITS.maxArchiveBytes, 'Bear backup');
  const bundles = await readBundles(buf, ctx);
  if (bundles.size === 0) throw new KeepsakeError('UNSUPPORTED', 'This archive holds no Bear notes (no .textbundle folders).');
  let count = 0;
  for (const [folder, b] of bundles) {
    let info: Record<string, unknown> = {};
    if (b.info) {
      try {
        const parsed = JSON.parse(decodeText(b.info).text) as unknown;
        if (parsed && typeof parsed === 'object') info = parsed as Record<string, unknown>;
      } catch {
        ctx.refuse(`entry ${folder}/info.json`, "This note's metadata (info.json) is broken; the note was kept without it.");
      }
    }
    const bear = (info['net.shinyfrog.bear'] ?? {}) as Record<string, unknown>;
    const text = b.text ? decodeText(b.text).text : '';
    const encrypted = bear.encrypted === 1 || bear.encrypted === true || (typeof bear.encryptedData === 'string' && text === '');
    const folderName = folder.split('/').pop()!.replace(/\.textbundle$/, '');
    const heading = /^#{1,6}[ \t]+(\S.*)$/m.exec(text.slice(0, 65536))?.[1]?.trim();
    // An empty heading ("# ") is not a title: the first line with words is.
    const title = heading ?? text.slice(0, 65536).split('\n').map((l) => l.replace(/^#{1,6}[ \t]*/, '').trim()).find(Boolean) ?? folderName;
    const tags = [...text.matchAll(/(?:^|\s)#([^\s#][^\s#]*)/g)].map((m) => m[1]!).filter((t) => !/^#/.test(t));
    const files: ParsedFile[] = [];
    if (b.text) files.push({ role: 'original', name: 'text.md', mime: 'text/markdown', data: b.text });
    for (const a of b.assets) files.push({ role: 'attachment', name: a.name, mime: MIME[a.name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream', data: a.data });
    const modified = typeof bear.modificationDate === 'string' ? validTime(Date.parse(bear.modificationDate)) : undefined;
    const created = typeof bear.creationDate === 'string' ? validTime(Date.parse(bear.creationDate)) : undefined;
    const uid = typeof bear.uniqueIdentifier === 'string' ? bear.uniqueIdentifier : undefined;
    const fields: Record<string, unknown> = {
      format: 'bear',
      folder: folderName,
      text,
      tags,
      pinned: bear.pinned === 1,
      archived: bear.archived === 1,
      trashed: bear.trashed === 1,
      encrypted,
      bear, // all of Bear's metadata, incl. lastEditingDevice (personal while linked to the note)
      assets: b.assets.map((a) => ({ name: a.name, bytes: a.data.length })),
    };
    if (encrypted) fields.encryptedNote = 'The note body is encrypted by Bear and is not readable in the backup; kept as metadata only.';
    const item: ParsedItem = {
      category: 'note',
      sourceKey: uid ? hashKey('bear', uid) : hashKey('bear-text', folderName, text),
      title: (title || folderName).slice(0, 200),
      text: [title, text].filter(Boolean).join('\n'),
      fields,
      personal: true,
    };
    if (files.length) item.files = files;
    const when = modified ?? created;
    if (when !== undefined) item.occurredAt = when;
    count++;
    ctx.report({ items: count });
    await ctx.checkpoint();
    yield item;
  }
}
