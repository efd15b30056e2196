// Walks an entry tree and yields every item in it: the shared loop behind Takeout zips and
// tgzs, Android backups and nested archives. Entries that are metadata of another entry
// (photo sidecars, Keep attachments) are skipped here because their owner reads them.
import type { ImportContext, ParsedItem } from '../types';
import { consumedEntries, dispatchEntry, type ContainerEnv } from './dispatch';
import type { EntryTree, TreeEntry } from './tree';

export type EntryHandler = (entry: TreeEntry) => AsyncIterable<ParsedItem> | null;

export async function* walkTree(tree: EntryTree, ctx: ImportContext, env: ContainerEnv, special?: EntryHandler): AsyncGenerator<ParsedItem> {
  const consumed = await consumedEntries(tree);
  let bytes = 0;
  let items = 0;
  for (const entry of tree.entries) {
    await ctx.checkpoint();
    if (consumed.has(entry.name)) continue;
    ctx.report({ phase: `reading ${entry.name.slice(0, 120)}`, bytes, items });
    const own = special?.(entry);
    for await (const item of own ?? dispatchEntry(tree, entry, ctx, env)) {
      items += 1;
      yield item;
    }
    bytes += entry.size;
  }
  ctx.report({ bytes, items });
}
