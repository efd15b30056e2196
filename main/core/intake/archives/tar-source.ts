// Unpacks a tar stream (the inside of a .tgz Takeout or an Android backup) into the
// staging area, entry by entry, with tar-stream. Tar has no index, so entries are staged
// as they stream past; sidecars and attachments that come later in the archive are then
// found by name. Only regular files are staged: links are reported and skipped (a symlink
// followed by a file "through" it is the classic traversal trick), and every name goes
// through the sanitiser. All sizes are counted as bytes actually produced.
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import { archiveTooBig, type ArchiveLimits, type ByteBudget } from './limits';
import { printableName, sanitizeEntryName } from './safe-name';
import type { StagingArea } from './staging';
import type { StagedEntry } from './tree';

export interface TarOptions {
  staging: StagingArea;
  budget: ByteBudget;
  limits: ArchiveLimits;
  /** Called for each entry that is skipped, with a plain reason. */
  refuse(name: string, reason: string): void;
  /** Called between entries: pause/cancel point. */
  checkpoint(): Promise<void>;
}

/**
 * Stages every regular file. A stream that breaks part-way (truncated, corrupt, over a
 * limit) keeps the entries staged before the break: they are returned with the error, so
 * the caller can import them and report the rest as refused.
 */
export async function stageTar(source: Readable, opts: TarOptions): Promise<{ entries: StagedEntry[]; error?: KeepsakeError }> {
  const extract = tar.extract();
  source.on('error', (e) => extract.destroy(e));
  source.pipe(extract);
  const out: StagedEntry[] = [];
  let count = 0;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      count += 1;
      if (count > opts.limits.maxEntries) throw archiveTooBig(`more than ${opts.limits.maxEntries} entries`);
      await opts.checkpoint();
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        if (h.type === 'symlink' || h.type === 'link') opts.refuse(printableName(h.name), 'links inside archives are not followed');
        entry.resume();
        continue;
      }
      let name;
      try {
        name = sanitizeEntryName(h.name, opts.limits.maxNameBytes);
      } catch (e) {
        if (!isKeepsakeError(e)) throw e;
        opts.refuse(printableName(h.name), e.message);
        entry.resume();
        continue;
      }
      const staged = await opts.staging.write(name.path, entry as unknown as Readable, opts.budget, opts.limits.maxEntryBytes);
      out.push({ name: name.path, size: staged.size, stagedPath: staged.path, ...(h.mtime ? { mtime: h.mtime.getTime() } : {}) });
    }
  } catch (e) {
    source.unpipe(extract);
    source.destroy();
    extract.destroy();
    if (isKeepsakeError(e)) {
      if (e.code === 'CANCELLED') throw e;
      return { entries: out, error: e };
    }
    const msg = e instanceof Error ? e.message : String(e);
    let error: KeepsakeError;
    if (/bad decrypt|wrong final block/i.test(msg)) error = new KeepsakeError('CORRUPT', 'The encrypted backup data is damaged (decryption failed at the end).');
    else if (/unexpected end/i.test(msg)) error = new KeepsakeError('CORRUPT', 'The archive is cut off: it ends in the middle of its data.');
    else if (/incorrect header check|invalid|unknown compression|zlib|deflate/i.test(msg)) error = new KeepsakeError('CORRUPT', `The archive's compressed data is damaged (${msg.slice(0, 80)}).`);
    else error = new KeepsakeError('CORRUPT', `The archive could not be read to the end (${msg.slice(0, 80)}).`);
    return { entries: out, error };
  }
  return { entries: out };
}
