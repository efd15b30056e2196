// The vault's packs as the mirror sees them: every <packs>/<xx>/<id>.pack file, with its
// size. Packs are written tmp → fsync → rename by the vault, so a file under its final
// name is complete; anything else in the folder is ignored.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalPack {
  id: string;
  path: string;
  size: number;
  /** Modification time (ms): with the id and size, what a remembered digest is keyed on. */
  mtimeMs: number;
}

export async function listLocalPacks(packsDir: string): Promise<LocalPack[]> {
  const out: LocalPack[] = [];
  let dirs: string[];
  try {
    dirs = await readdir(packsDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw e;
  }
  for (const d of dirs.sort()) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of (await readdir(join(packsDir, d))).sort()) {
      const m = /^([0-9a-f]{8,128})\.pack$/.exec(f);
      if (!m?.[1]) continue;
      const path = join(packsDir, d, f);
      const s = await stat(path);
      if (s.isFile()) out.push({ id: m[1], path, size: s.size, mtimeMs: s.mtimeMs });
    }
  }
  return out;
}

/** Runs `work` over `items` with at most `limit` at once; collects failures instead of stopping. */
export async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<Array<{ item: T; error: unknown }>> {
  const failures: Array<{ item: T; error: unknown }> = [];
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failures.push({ item, error });
      }
    }
  });
  await Promise.all(runners);
  return failures;
}
