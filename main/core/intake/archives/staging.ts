// The staging area: the ONLY place container imports write to, a private folder inside the
// data folder (<data>/staging/<random>/), removed when the import ends. [Note: Zip slip]
// Staged files are named by a counter plus a sanitised extension ("000042.jpg"), never by
// the entry's name, so no entry name can place a file anywhere else; each path is still
// checked to lie inside the root before it is written.
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { KeepsakeError } from '../../../../common/errors';
import { archiveTooBig, formatBytes, type ByteBudget } from './limits';

export class StagingArea {
  private counter = 0;
  private disposed = false;
  private constructor(readonly root: string) {}

  /** Creates <dataFolder>/staging/<random>/ with owner-only permissions (sweeping finished ones first). */
  static async create(dataFolder: string): Promise<StagingArea> {
    const base = join(dataFolder, 'staging');
    mkdirSync(base, { recursive: true, mode: 0o700 });
    sweepStaging(base);
    const root = await mkdtemp(join(base, 'import-'));
    return new StagingArea(resolve(root));
  }

  /** A fresh path inside the root for a file with (at most) the given extension. */
  newPath(nameHint: string): string {
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(nameHint)?.[1]?.toLowerCase();
    const file = `${String(++this.counter).padStart(6, '0')}${ext ? `.${ext}` : ''}`;
    const p = resolve(this.root, file);
    if (!p.startsWith(this.root + sep)) throw new KeepsakeError('INTERNAL', 'A staging path escaped the staging folder.');
    return p;
  }

  /**
   * Writes a stream to a new staging file, counting ACTUAL bytes against the per-entry cap
   * and the archive budget (a lying header cannot get past this).
   */
  async write(nameHint: string, stream: Readable, budget: ByteBudget, maxEntryBytes: number): Promise<{ path: string; size: number }> {
    if (this.disposed) throw new KeepsakeError('INTERNAL', 'The staging area was already removed.');
    const path = this.newPath(nameHint);
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        try {
          if (size > maxEntryBytes) throw archiveTooBig(`one entry is larger than ${formatBytes(maxEntryBytes)}`);
          budget.add(chunk.length);
        } catch (e) {
          cb(e as Error);
          return;
        }
        cb(null, chunk);
      },
    });
    await pipeline(stream, counter, createWriteStream(path, { mode: 0o600 }));
    return { path, size };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    finishedRoots.delete(this.root);
    rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * [Note: Staging lifetime] The import job flushes its last batch of items AFTER the
   * importer has returned, and a large item's bytes are opened lazily from here. So when
   * the caller cannot tell us when it is done (no ctx.defer), the area is only marked
   * finished: it is removed by the next import's sweep, or when the process exits.
   */
  finish(): void {
    if (this.disposed) return;
    try {
      writeFileSync(join(this.root, DONE_MARK), String(Date.now()), { mode: 0o600 });
    } catch {
      // the folder is gone already
    }
    finishedRoots.add(this.root);
    ensureExitHook();
  }
}

const DONE_MARK = '.finished';
/** Finished areas older than this are removed by the next sweep. */
export const SWEEP_FINISHED_AFTER_MS = 60_000;
/** Any area older than this is abandoned (a crash mid-import) and removed. */
export const SWEEP_ABANDONED_AFTER_MS = 7 * 24 * 3600_000;
const finishedRoots = new Set<string>();
let exitHooked = false;

function ensureExitHook(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const root of finishedRoots) rmSync(root, { recursive: true, force: true });
  });
}

/** Removes finished staging areas (and ones abandoned by a crash) under <data>/staging. */
export function sweepStaging(base: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith('import-')) continue;
    const root = join(base, n);
    try {
      const mark = join(root, DONE_MARK);
      const finishedAt = existsSync(mark) ? statSync(mark).mtimeMs : null;
      const age = now - statSync(root).mtimeMs;
      if ((finishedAt !== null && now - finishedAt > SWEEP_FINISHED_AFTER_MS) || age > SWEEP_ABANDONED_AFTER_MS) {
        rmSync(root, { recursive: true, force: true });
        finishedRoots.delete(root);
      }
    } catch {
      // raced with another sweep: nothing to do
    }
  }
}
