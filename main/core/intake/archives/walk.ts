// Walks an entry tree and yields every item in it: the shared loop behind Takeout zips and
// tgzs, Android backups and nested archives. Entries that are metadata of another entry
// (photo sidecars, Keep attachments) are skipped here because their owner reads them.
// Progress is reported in bytes OF THE CONTAINER FILE (entries done, weighted by their
// unpacked size, scaled to the file's size), so the job's byte total and ETA stay right;
// nested archives report items and phase only, never bytes, so the outer bar does not jump.
import type { ImportContext, ParsedItem } from '../types';
import { consumedEntries, dispatchEntry, type ContainerEnv } from './dispatch';
import type { EntryTree, TreeEntry } from './tree';

export type EntryHandler = (entry: TreeEntry) => AsyncIterable<ParsedItem> | null;

export async function* walkTree(tree: EntryTree, ctx: ImportContext, env: ContainerEnv, special?: EntryHandler, containerSize?: number): AsyncGenerator<ParsedItem> {
  const consumed = await consumedEntries(tree);
  const total = tree.entries.reduce((n, e) => n + e.size, 0) || 1;
  let unpacked = 0;
  let items = 0;
  const progress = (phase?: string): void => {
    const bytes = env.depth === 0 && containerSize !== undefined ? Math.min(containerSize, Math.round((containerSize * unpacked) / total)) : undefined;
    ctx.report({ items, ...(bytes !== undefined ? { bytes } : {}), ...(phase ? { phase } : {}) });
  };
  for (const entry of tree.entries) {
    await ctx.checkpoint();
    if (!consumed.has(entry.name)) {
      progress(`reading ${entry.name.slice(0, 120)}`);
      const own = special?.(entry);
      for await (const item of own ?? dispatchEntry(tree, entry, ctx, env)) {
        items += 1;
        yield item;
      }
    }
    unpacked += entry.size;
  }
  progress();
}
