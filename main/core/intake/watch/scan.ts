// One look at a watched folder: every regular file below it with its size and mtime
// (links are not followed, system litter skipped, at most MAX_FILES), and the settle rule
// that decides which files are safe to import: a file is ready once two looks at least
// `settleMs` apart saw the same size and mtime, and that differs from what was imported.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSig } from './store';

export const MAX_FILES = 200_000;

/** Names a phone, a sync client or an OS leaves that are never worth importing. */
export function isLitter(name: string): boolean {
  return (
    name === '.DS_Store' ||
    name === 'Thumbs.db' ||
    name === 'desktop.ini' ||
    name.startsWith('._') ||
    name.startsWith('.~') ||
    name.startsWith('~$') ||
    /\.(part|partial|crdownload|download|tmp|swp)$/i.test(name) ||
    name === '.stfolder' ||
    name === '.stversions' ||
    name === '.sync' ||
    name === '.trashed'
  );
}

/** Every regular file below `root`: path → size and mtime. Throws if root cannot be read. */
export async function listFiles(root: string): Promise<Map<string, FileSig>> {
  const out = new Map<string, FileSig>();
  const dirs = [root];
  let first = true;
  while (dirs.length && out.size < MAX_FILES) {
    const dir = dirs.pop()!;
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      if (first) throw e; // the watched folder itself is gone or unreadable
      continue; // a sub-folder vanished between listing and reading: seen next time
    }
    first = false;
    for (const name of names) {
      if (isLitter(name)) continue;
      const p = join(dir, name);
      try {
        const st = await lstat(p);
        if (st.isDirectory()) dirs.push(p);
        else if (st.isFile()) out.set(p, { size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      } catch {
        // Removed while we looked.
      }
    }
  }
  return out;
}

const same = (a: FileSig | undefined, b: FileSig | undefined) => !!a && !!b && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** Remembers what each look saw, to tell settled files from ones still being written. */
export class SettleTracker {
  private readonly seen = new Map<string, FileSig & { since: number }>();
  constructor(private readonly settleMs: number) {}

  /**
   * Feeds one look. Returns the files ready to import and whether some changed files are
   * still settling (the caller looks again after settleMs).
   */
  observe(files: Map<string, FileSig>, imported: Map<string, FileSig>, now: number): { ready: Array<{ path: string } & FileSig>; settling: number } {
    const ready: Array<{ path: string } & FileSig> = [];
    let settling = 0;
    for (const p of [...this.seen.keys()]) if (!files.has(p)) this.seen.delete(p);
    for (const [path, sig] of files) {
      if (same(sig, imported.get(path))) {
        this.seen.delete(path);
        continue;
      }
      // An empty file is what a copy looks like at its first instant (and import refuses
      // empty files): skip it; once bytes arrive its size changes and it is tracked.
      if (sig.size === 0) continue;
      const prev = this.seen.get(path);
      if (!prev || !same(prev, sig)) {
        this.seen.set(path, { ...sig, since: now });
        settling++;
      } else if (now - prev.since >= this.settleMs) {
        ready.push({ path, ...sig });
      } else {
        settling++;
      }
    }
    return { ready, settling };
  }

  /** Forgets files handed to an import, so a failed import tries them again later. */
  forget(paths: string[]): void {
    for (const p of paths) this.seen.delete(p);
  }
}
