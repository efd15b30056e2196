// Reads a zip (Google Takeout, a folder of photos zipped) with yauzl: the central
// directory is listed once (zip64 and > 65,535 entries supported by yauzl), every name is
// decoded and run through our sanitiser (yauzl's own check would abort the whole archive
// on one bad name; we refuse that entry and keep going), and entries are then read on
// demand, in any order, straight from the archive. [Note: Archive limits]
//  - overlapping entries (Fifield's non-recursive bomb reuses one compressed body for many
//    entries) are detected from the local-header offsets and refused as a whole;
//  - every read counts ACTUAL inflated bytes: against the entry's declared size (a lie is
//    an error), the per-entry cap, the inflate ratio and the archive-wide budget.
import { PassThrough, Transform, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import type { ImportContext } from '../types';
import { archiveTooBig, formatBytes, type ArchiveLimits, type ByteBudget } from './limits';
import { printableName, sanitizeEntryName } from './safe-name';
import { EntryTree, type TreeEntry } from './tree';
import { CachedFileReader } from './zip-reader';

export interface ZipHandle {
  tree: EntryTree;
  close(): void;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const reader = new CachedFileReader(path);
    yauzl.fromRandomAccessReader(reader, reader.size, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) {
        reader.close(() => undefined);
        reject(new KeepsakeError('CORRUPT', `This zip archive cannot be read (${(err?.message ?? 'no archive').slice(0, 100)}).`));
      } else resolve(zip);
    });
  });
}

/**
 * What we keep of a central-directory record: yauzl's Entry holds several buffers and
 * parsed extra fields (~1 KB each); 500,000 of them would take half a gigabyte.
 */
interface CompactEntry {
  name: string;
  flags: number;
  method: number;
  offset: number;
  csize: number;
  usize: number;
  crc: number;
}

/** A yauzl Entry rebuilt from the compact record, enough for openReadStream. */
function toEntry(c: CompactEntry): yauzl.Entry {
  const e = new yauzl.Entry();
  Object.assign(e, { generalPurposeBitFlag: c.flags, compressionMethod: c.method, relativeOffsetOfLocalHeader: c.offset, compressedSize: c.csize, uncompressedSize: c.usize, crc32: c.crc, fileName: c.name });
  return e;
}

function listEntries(zip: yauzl.ZipFile, limits: ArchiveLimits): Promise<CompactEntry[]> {
  return new Promise((resolve, reject) => {
    const out: CompactEntry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileName as unknown as Buffer, e.extraFields, true);
      out.push({ name, flags: e.generalPurposeBitFlag, method: e.compressionMethod, offset: e.relativeOffsetOfLocalHeader, csize: e.compressedSize, usize: e.uncompressedSize, crc: e.crc32 });
      if (out.length > limits.maxEntries) {
        zip.close();
        reject(archiveTooBig(`more than ${limits.maxEntries} entries`));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', (e: Error) => reject(new KeepsakeError('CORRUPT', `This zip archive's directory is damaged (${e.message.slice(0, 100)}).`)));
    zip.readEntry();
  });
}

function detectOverlap(entries: CompactEntry[]): void {
  const spans = entries.map((e) => ({ start: e.offset, end: e.offset + 30 + e.csize })).sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) throw archiveTooBig('entries overlap each other, a known zip-bomb trick');
  }
}

function entryStream(zip: yauzl.ZipFile, e: yauzl.Entry, label: string, limits: ArchiveLimits, budget: ByteBudget): Readable {
  const out = new PassThrough();
  zip.openReadStream(e, (err, raw) => {
    if (err || !raw) {
      out.destroy(new KeepsakeError('CORRUPT', `The entry "${label}" cannot be read (${(err?.message ?? '').slice(0, 80)}).`));
      return;
    }
    let n = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        n += chunk.length;
        try {
          if (n > e.uncompressedSize) throw new KeepsakeError('CORRUPT', `The entry "${label}" holds more data than its header says; it was refused.`);
          if (n > limits.maxEntryBytes) throw archiveTooBig(`one entry is larger than ${formatBytes(limits.maxEntryBytes)}`);
          if (n > limits.ratioGraceBytes && n / Math.max(1, e.compressedSize) > limits.maxRatio) throw archiveTooBig(`an entry inflates more than ${limits.maxRatio} times`);
          budget.add(chunk.length);
        } catch (x) {
          cb(x as Error);
          return;
        }
        cb(null, chunk);
      },
      flush(cb) {
        cb(n < e.uncompressedSize ? new KeepsakeError('CORRUPT', `The entry "${label}" is shorter than its header says (cut off or damaged).`) : null);
      },
    });
    raw.on('error', (x: Error) => counter.destroy(isKeepsakeError(x) ? x : new KeepsakeError('CORRUPT', `The entry "${label}" is damaged (${x.message.slice(0, 80)}).`)));
    counter.on('error', (x) => {
      raw.unpipe(counter);
      raw.destroy();
      out.destroy(x);
    });
    out.on('close', () => raw.destroy());
    raw.pipe(counter).pipe(out);
  });
  return out;
}

/**
 * Reads one entry after the archive's main handle was closed (a large file the vault opens
 * lazily after the importer finished): its own short-lived handle, closed when the entry ends.
 */
function standaloneStream(path: string, e: yauzl.Entry, label: string, limits: ArchiveLimits, budget: ByteBudget): Readable {
  const out = new PassThrough();
  openZip(path).then(
    (zip) => {
      const s = entryStream(zip, e, label, limits, budget);
      s.on('close', () => zip.close());
      s.on('error', (x) => out.destroy(x));
      s.pipe(out);
    },
    (x: Error) => out.destroy(x),
  );
  return out;
}

/** Opens a zip at a local path as an entry tree. Bad names and encrypted entries are refused one by one. */
export async function openZipTree(path: string, label: string, limits: ArchiveLimits, budget: ByteBudget, ctx: ImportContext): Promise<ZipHandle> {
  const zip = await openZip(path);
  let closed = false;
  try {
    // The end record's count is what yauzl will read: refuse a million-entry bomb before listing it.
    if (zip.entryCount > limits.maxEntries) throw archiveTooBig(`${zip.entryCount} entries, more than ${limits.maxEntries}`);
    const raw = await listEntries(zip, limits);
    detectOverlap(raw);
    const entries: TreeEntry[] = [];
    for (const c of raw) {
      const rawName = c.name;
      if (rawName.endsWith('/')) continue; // a directory
      const e = toEntry(c);
      let name: string;
      try {
        name = sanitizeEntryName(rawName, limits.maxNameBytes).path;
      } catch (x) {
        if (!isKeepsakeError(x)) throw x;
        ctx.refuse(printableName(rawName), x.message);
        continue;
      }
      if (e.isEncrypted()) {
        ctx.refuse(name, 'This entry is password-protected inside the zip; Keepsake cannot open encrypted zip entries.');
        continue;
      }
      if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
        ctx.refuse(name, `This entry uses a compression method (${e.compressionMethod}) that Keepsake cannot unpack.`);
        continue;
      }
      entries.push({ name, size: e.uncompressedSize, open: () => (closed ? standaloneStream(path, e, name, limits, budget) : entryStream(zip, e, name, limits, budget)) });
    }
    return {
      tree: new EntryTree(label, entries),
      close: () => {
        closed = true;
        zip.close();
      },
    };
  } catch (x) {
    zip.close();
    throw x;
  }
}
