// ImportInput makers used by the containers: an input over a local file (siblings are the
// files in the same folder), over bytes in memory, and over a file in the staging area
// that stands for an entry inside an archive (display path "archive.zip!/a/b.jpg").
import { createReadStream, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ImportInput } from '../types';

export function fileInput(path: string, displayPath: string = path, siblingLookup?: (name: string) => ImportInput | null): ImportInput {
  const size = statSync(path).size;
  return {
    path: displayPath,
    size,
    open: () => createReadStream(path),
    sibling:
      siblingLookup ??
      ((name: string) => {
        if (name !== basename(name) || name === '.' || name === '..') return null;
        const p = join(dirname(path), name);
        try {
          if (!statSync(p).isFile()) return null;
        } catch {
          return null;
        }
        return fileInput(p, join(dirname(displayPath), name));
      }),
  };
}

export function bufferInput(path: string, data: Buffer, siblingLookup?: (name: string) => ImportInput | null): ImportInput {
  return {
    path,
    size: data.length,
    open: () => Readable.from([data]),
    ...(siblingLookup ? { sibling: siblingLookup } : {}),
  };
}

const localPaths = new WeakMap<ImportInput, string>();

/** Records that an input's bytes are the file at `path` (a staged entry), so readers that need a real file (yauzl, SQLite) use it instead of copying again. */
export function rememberLocalPath(input: ImportInput, path: string): ImportInput {
  localPaths.set(input, path);
  return input;
}

export function rememberedLocalPath(input: ImportInput): string | undefined {
  return localPaths.get(input);
}
