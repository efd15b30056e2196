// Turns the paths a person chose into the list of inputs an import reads: files as they
// are, folders walked (without following symbolic links to folders, so a link loop cannot
// trap the walk), whole-folder formats (an iPhone backup) claimed before walking into them,
// and files that belong to another file (Keep attachments beside their note JSON) set
// aside so they arrive once, with their note. Junk the OS leaves behind is skipped.
import { lstatSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { allFolderFormats } from './registry';
import type { FolderFormatSpec } from './types';

export type WalkEntry =
  | { kind: 'file'; path: string; size: number; mtimeMs: number }
  | { kind: 'folder'; path: string; size: number; mtimeMs: number; spec: FolderFormatSpec }
  | { kind: 'missing'; path: string; reason: string };

const JUNK = /^(\.DS_Store|Thumbs\.db|desktop\.ini|\._.*|\.localized)$/i;

function keepAttachmentNames(dir: string, names: string[]): Set<string> {
  const out = new Set<string>();
  for (const n of names) {
    if (!n.toLowerCase().endsWith('.json')) continue;
    const p = join(dir, n);
    try {
      if (statSync(p).size > 4 * 1024 * 1024) continue;
      const v = JSON.parse(readFileSync(p, 'utf8')) as { attachments?: Array<{ filePath?: unknown }>; textContent?: unknown; listContent?: unknown };
      if (!v || (v.textContent === undefined && v.listContent === undefined) || !Array.isArray(v.attachments)) continue;
      for (const a of v.attachments) if (typeof a?.filePath === 'string') out.add(a.filePath);
    } catch {
      // Not JSON or not a note: nothing to set aside; the file itself is reported when imported.
    }
  }
  return out;
}

export async function walkPaths(paths: string[]): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  const seen = new Set<string>();
  const visit = async (p: string, top: boolean): Promise<void> => {
    const abs = resolve(p);
    if (seen.has(abs)) return;
    seen.add(abs);
    let st: Stats;
    try {
      st = lstatSync(abs);
      if (st.isSymbolicLink()) {
        const target = statSync(abs);
        if (target.isDirectory() && !top) return; // links to folders are not followed inside a walk
        st = target;
      }
    } catch {
      out.push({ kind: 'missing', path: abs, reason: 'There is no such file or folder, or it cannot be read.' });
      return;
    }
    if (st.isFile()) {
      out.push({ kind: 'file', path: abs, size: st.size, mtimeMs: st.mtimeMs });
      return;
    }
    if (!st.isDirectory()) return;
    for (const spec of allFolderFormats()) {
      let claimed = false;
      try {
        claimed = await spec.claims(abs);
      } catch {
        claimed = false;
      }
      if (claimed) {
        out.push({ kind: 'folder', path: abs, size: 0, mtimeMs: st.mtimeMs, spec });
        return;
      }
    }
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      out.push({ kind: 'missing', path: abs, reason: 'This folder cannot be read (permission denied?).' });
      return;
    }
    const consumed = keepAttachmentNames(abs, names);
    for (const n of names) {
      if (JUNK.test(n) || consumed.has(n)) continue;
      await visit(join(abs, n), false);
    }
  };
  for (const p of paths) await visit(p, true);
  return out;
}

export { basename };
