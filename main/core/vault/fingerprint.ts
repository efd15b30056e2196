// An item's fingerprint: a keyed MAC of its canonical content. Equal content from two
// sources gives the same fingerprint (one item, two source rows); an erased item's
// fingerprint becomes a tombstone so the same content is not brought back. What counts
// as content: category, time, title, text, fields (keys sorted), location, and each
// file's role, mime, size and chunk ids — not its file name or where it came from.
import { createHmac } from 'node:crypto';
import type { ChunkRef } from './chunk-sink';
import type { FileRole, NewItem } from './types';

export interface FingerprintInput {
  category: string;
  occurredAt: number | null;
  title: string;
  text: string;
  fields: Record<string, unknown>;
  location: { lat: number; lon: number } | null;
  files: Array<{ role: FileRole; mime: string; size: number; refs: Array<Pick<ChunkRef, 'id'>> }>;
}

export function fingerprint(key: Buffer, input: FingerprintInput): Buffer {
  const mac = createHmac('sha256', key);
  mac.update(fingerprintHead(input));
  for (const f of input.files) {
    mac.update(`${fileHead(f.role, f.mime)}${f.size}\0`);
    for (const r of f.refs) mac.update(r.id);
  }
  return mac.digest();
}

/**
 * The MAC's input up to the files, and each file's up to its size: a seal worker finishing
 * an item of one small file computes the same MAC from these, the size it read and the
 * chunk ids it made (seal-pool.ts), so the main thread does not (tested equal).
 */
/** What the fingerprint reads of an item before its files, with the defaults every writer applies. */
export function fingerprintContent(item: Pick<NewItem, 'category' | 'occurredAt' | 'title' | 'text' | 'fields' | 'location'>): Omit<FingerprintInput, 'files'> {
  return { category: item.category, occurredAt: item.occurredAt ?? null, title: item.title ?? '', text: item.text ?? '', fields: item.fields, location: item.location ?? null };
}

export function fingerprintHead(input: Omit<FingerprintInput, 'files'>): string {
  return canonicalJson([input.category, input.occurredAt, input.title, input.text, input.fields, input.location]);
}

export function fileHead(role: string, mime: string): string {
  return `\0file\0${role}\0${mime}\0`;
}

/** JSON with object keys sorted at every level, so equal content gives equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
