// What a container holds that no importer understands is still the user's: it becomes an
// opaque 'file' item with the bytes kept, so nothing in a backup is silently dropped.
// Personal by default; non-personal only where it clearly is not about a person (an app's
// backup manifest, an installer .apk, Takeout's own index page).
import { createHash } from 'node:crypto';
import type { ParsedItem } from '../types';
import { INLINE_ENTRY_BYTES } from './limits';
import type { TreeEntry } from './tree';

const NON_PERSONAL = [/(^|\/)_manifest$/, /\.apk$/i, /(^|\/)archive_browser\.html$/i];

/** `whole`, when given, is the entry's complete bytes already read (saves a second read). */
export async function opaqueItem(entry: TreeEntry, fields: Record<string, unknown> = {}, whole?: Buffer): Promise<ParsedItem> {
  const h = createHash('sha256');
  let bytes: Buffer | null = whole && whole.length === entry.size ? whole : null;
  if (!bytes && entry.size <= INLINE_ENTRY_BYTES) {
    const parts: Buffer[] = [];
    for await (const chunk of entry.open()) parts.push(chunk as Buffer);
    bytes = Buffer.concat(parts);
  }
  if (bytes) h.update(bytes);
  else for await (const chunk of entry.open()) h.update(chunk as Buffer);
  const name = entry.name.slice(entry.name.lastIndexOf('/') + 1);
  const personal = !NON_PERSONAL.some((re) => re.test(entry.name));
  return {
    category: 'file',
    sourceKey: `file:sha256:${h.digest('hex')}:${entry.name}`,
    title: name,
    text: entry.name,
    fields: { path: entry.name, byteSize: entry.size, ...fields },
    personal,
    files: [{ role: 'original', name, mime: 'application/octet-stream', data: bytes ?? (() => entry.open()) }],
  };
}
