// A container's contents as a flat list of entries with sanitised '/'-separated names,
// each openable as an ImportInput whose siblings are the entries in the same folder (so
// a photo finds its Takeout sidecar and a Keep note its attachment). Staged entries live
// as files in the staging area; zip entries are read straight from the archive.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ImportInput } from '../types';

export interface StagedEntry {
  /** Sanitised path inside the container. */
  name: string;
  size: number;
  stagedPath: string;
  mtime?: number;
}

export interface TreeEntry {
  name: string;
  size: number;
  open(): Readable;
  /** A local file holding the bytes, when one exists (SQLite needs a real file). */
  localPath?: string;
}

export class EntryTree {
  private readonly byName = new Map<string, TreeEntry>();
  constructor(
    readonly label: string,
    readonly entries: TreeEntry[],
  ) {
    for (const e of entries) if (!this.byName.has(e.name)) this.byName.set(e.name, e);
  }

  static fromStaged(label: string, staged: StagedEntry[]): EntryTree {
    return new EntryTree(
      label,
      staged.map((s) => ({ name: s.name, size: s.size, open: () => createReadStream(s.stagedPath), localPath: s.stagedPath })),
    );
  }

  get(name: string): TreeEntry | undefined {
    return this.byName.get(name);
  }

  /** The ImportInput for one entry; display path "label!/name". */
  input(entry: TreeEntry): ImportInput {
    const dir = entry.name.includes('/') ? entry.name.slice(0, entry.name.lastIndexOf('/') + 1) : '';
    return {
      path: `${this.label}!/${entry.name}`,
      size: entry.size,
      open: () => entry.open(),
      sibling: (n: string) => {
        if (!n || n.includes('/') || n.includes('\\') || n === '.' || n === '..') return null;
        const sib = this.byName.get(dir + n);
        return sib ? this.input(sib) : null;
      },
    };
  }
}
