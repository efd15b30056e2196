// Reads one vault item with its files into memory for the writers (records and photos are
// bounded by the importers' own limits; large videos are streamed by the job instead).
import type { RecoveryCategory } from '../../../common/contract/recovery';
import type { ParsedFile } from '../intake/types';
import type { Vault } from '../vault/vault';
import type { LoadedItem } from './writers/records';

/** Files above this size are not loaded into memory (the job streams them). */
export const MAX_IN_MEMORY = 256 * 1024 * 1024;

export async function readAllStream(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts);
}

export async function loadItem(vault: Vault, id: string, opts: { skipLarge?: boolean } = {}): Promise<LoadedItem | null> {
  const r = vault.getItem(id);
  if (!r) return null;
  const files: ParsedFile[] = [];
  for (const f of r.files) {
    if (f.role === 'thumbnail') continue;
    if (opts.skipLarge && f.size > MAX_IN_MEMORY) {
      files.push({ role: f.role, name: f.name, mime: f.mime, data: () => vault.readFile(id, f.role, f.ordinal) });
      continue;
    }
    files.push({ role: f.role, name: f.name, mime: f.mime, data: await readAllStream(vault.readFile(id, f.role, f.ordinal)) });
  }
  return { id, category: r.category as RecoveryCategory, title: r.title, text: r.text, occurredAt: r.occurredAt, fields: r.fields, location: r.location, files };
}
