// Scans a phone-like folder into manifest entries: DCIM/ (photos and videos),
// Pictures/Screenshots/, and the exports sms.xml, calls.xml, contacts.vcf, calendar.ics
// and notes/. Hashes are cached by (size, mtime) so a rescan reads only changed files.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Category } from '../../common/domain';
import type { ManifestEntry } from '../../main/core/devices/wire';
import type { AgentState } from './state';

const PHOTO = /\.(jpe?g|png|heic|heif|gif|webp|dng)$/i;
const VIDEO = /\.(mp4|mov|3gp|mkv|webm)$/i;
const NOTE = /\.(txt|md|json)$/i;

export interface ScannedFile extends ManifestEntry {
  path: string;
}

function categoryOf(rel: string): Category | null {
  const parts = rel.split('/');
  const top = parts[0]?.toLowerCase();
  const name = parts[parts.length - 1] ?? '';
  if (top === 'dcim') return PHOTO.test(name) ? 'photo' : VIDEO.test(name) ? 'video' : null;
  if (top === 'pictures' && parts[1]?.toLowerCase() === 'screenshots') return PHOTO.test(name) ? 'screenshot' : VIDEO.test(name) ? 'video' : null;
  if (parts.length === 1) {
    const lower = name.toLowerCase();
    if (lower === 'sms.xml') return 'message';
    if (lower === 'calls.xml') return 'call';
    if (lower === 'contacts.vcf') return 'contact';
    if (lower === 'calendar.ics') return 'event';
  }
  if (top === 'notes' && NOTE.test(name)) return 'note';
  return null;
}

function* walk(root: string, dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // .thumbnails, .trashed-…, partial downloads
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(root, full);
    else if (entry.isFile()) yield relative(root, full).split(sep).join('/');
  }
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Every syncable file under `root`, with hashes (from the cache when size and mtime match). */
export async function scanPhone(root: string, cache: AgentState['files']): Promise<ScannedFile[]> {
  const out: ScannedFile[] = [];
  const seen = new Set<string>();
  for (const rel of walk(root, root)) {
    const category = categoryOf(rel);
    if (!category) continue;
    const path = join(root, rel);
    const st = lstatSync(path);
    const cached = cache[rel];
    const hash = cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs ? cached.hash : await sha256File(path);
    cache[rel] = { size: st.size, mtimeMs: st.mtimeMs, hash };
    seen.add(rel);
    out.push({ id: rel, category, hash, size: st.size, modified: Math.floor(st.mtimeMs), name: basename(rel), path });
  }
  for (const rel of Object.keys(cache)) if (!seen.has(rel)) delete cache[rel];
  return out;
}
