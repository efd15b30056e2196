// Media ids name one file of an item: "<item>" (the original), "<item>.<role>" (the
// first file of that role) or "<item>.<role>.<ordinal>" (the nth, counting from 0), so
// every attachment of an MMS, an email or a note can stream, not only the first. The
// vault's media() opens any of them seeking by chunk; this module only sorts a bad id
// (400) from a well-formed one that names nothing (404).
// [Note: media ids] The ordinal is read strictly — a canonical decimal integer within
// the files the item has — and anything else is "no such media" (404), never a guess.
import { FILE_ROLES, type FileRole } from '../vault/types';

/** Canonical decimal only: no sign, no leading zeros, no exponent, no spaces, ≤ 4 digits. */
const ORDINAL = /^(0|[1-9][0-9]{0,3})$/;

export interface MediaRef {
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
  return { itemId: itemId!, role: (role as FileRole | undefined) ?? null, ordinal: ordinalText ? Number(ordinalText) : 0 };
}
