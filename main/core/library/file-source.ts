// Media ids name one file of an item: "<item>" (the original), "<item>.<role>" (the
// first file of that role) or "<item>.<role>.<ordinal>" (the nth, counting from 0), so
// every attachment of an MMS, an email or a note can stream, not only the first.
// [Note: media ids] The ordinal is read strictly — a canonical decimal integer within
// the files the item has — and anything else is "no such media" (404), never a guess.
import { Readable } from 'node:stream';
import { FILE_ROLES, type FileRole } from '../vault/types';
import { get } from '../vault/sql';
import type { Vault } from '../vault/vault';
import type { MediaSource } from '../media';

/** Canonical decimal only: no sign, no leading zeros, no exponent, no spaces, ≤ 4 digits. */
const ORDINAL = /^(0|[1-9][0-9]{0,3})$/;
const ITEM_ID = /^[0-9a-f]{32}$/;

export interface MediaRef {
  /** What the vault's own media() reads: "<item>" or "<item>.<role>" (ordinal 0). */
  base: string;
  itemId: string;
  role: FileRole | null;
  ordinal: number;
}

/** Splits a media id; 'bad-id' for a malformed id, 'no-such' for a malformed ordinal. */
export function parseMediaId(id: string): MediaRef | 'bad-id' | 'no-such' {
  const m = /^([A-Za-z0-9_-]{1,128})(?:\.([a-z]{1,12})(?:\.([\s\S]*))?)?$/.exec(id);
  if (!m) return 'bad-id';
  const [, itemId, role, ordinalText] = m;
  if (role !== undefined && !(FILE_ROLES as readonly string[]).includes(role)) return 'no-such';
  if (ordinalText !== undefined && !ORDINAL.test(ordinalText)) return 'no-such';
  return { base: role ? `${itemId!}.${role}` : itemId!, itemId: itemId!, role: (role as FileRole | undefined) ?? null, ordinal: ordinalText ? Number(ordinalText) : 0 };
}

/**
 * The nth file of a role in the item's current version, or null when there is none.
 * Ordinal 0 is left to the vault's media(), which seeks by chunk; later files stream
 * through readFile and a range is cut from the decrypted stream (attachments are small;
 * the vault's media() takes no ordinal yet).
 */
export function fileSource(vault: Vault, ref: MediaRef): MediaSource | null {
  if (!ITEM_ID.test(ref.itemId)) return null;
  const role = ref.role ?? 'original';
  const f = get<{ size: number; mime: string }>(vault.indexDb, {
    text: `SELECT f.size, f.mime FROM files f JOIN items i ON i.id = f.item_id AND f.version = i.version WHERE f.item_id = ? AND f.role = ? AND f.ordinal = ?`,
    params: [ref.itemId, role, ref.ordinal],
  });
  if (!f) return null;
  return { size: f.size, mime: f.mime, stream: (start, end) => sliceStream(() => vault.readFile(ref.itemId, role, ref.ordinal), start, end) };
}

/** Bytes start..end (inclusive) of a stream opened lazily; stops reading once past end. */
export function sliceStream(open: () => Readable, start: number, end: number): Readable {
  async function* slice(): AsyncGenerator<Buffer> {
    let pos = 0;
    // Leaving the loop early destroys the source, which releases its pack reader and key.
    for await (const chunk of open()) {
      const buf = chunk as Buffer;
      const from = Math.max(0, start - pos);
      const to = Math.min(buf.length, end - pos + 1);
      pos += buf.length;
      if (to > from) yield buf.subarray(from, to);
      if (pos > end) return;
    }
  }
  return Readable.from(slice(), { objectMode: false });
}
