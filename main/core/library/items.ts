// One item: its full record with file refs, the "Stored in" list (the copies table the
// data map and erasure read), and edits of contacts, notes and events as new versions.
import type { Copy, ItemDetail } from '../../../common/contract/library';
import type { Category, LocationKind } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import { all } from '../vault/sql';
import type { Vault } from '../vault/vault';
import { mediaIdOf } from './rows';

export const EDITABLE: ReadonlySet<Category> = new Set<Category>(['contact', 'note', 'event']);

export function itemDetail(vault: Vault, id: string): ItemDetail {
  const r = vault.getItem(id);
  if (!r) throw new KeepsakeError('NOT_FOUND', 'There is no such item. It may have been erased.');
  return {
    id: r.id,
    category: r.category,
    deviceId: r.deviceId,
    personal: r.personal,
    occurredAt: r.occurredAt,
    title: r.title,
    summary: r.summary,
    version: r.version,
    text: r.text,
    fields: r.fields,
    location: r.location,
    files: r.files.map((f) => ({ ...f, mediaId: mediaIdOf(r.id, f.role, f.ordinal) })),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    editable: EDITABLE.has(r.category),
  };
}

export function itemCopies(vault: Vault, id: string): Copy[] {
  if (!vault.getItem(id)) throw new KeepsakeError('NOT_FOUND', 'There is no such item. It may have been erased.');
  return all<{ locationId: number; kind: LocationKind; name: string; state: string; since: number; lastVerified: number | null; encryption: string }>(vault.indexDb, {
    text: `SELECT c.location_id AS locationId, l.kind, l.name, c.state, c.since, c.last_verified AS lastVerified, c.encryption
           FROM copies c JOIN locations l ON l.id = c.location_id WHERE c.item_id = ? ORDER BY l.kind = 'vault' DESC, l.kind, l.name`,
    params: [id],
  });
}

export interface ItemEdit {
  id: string;
  title?: string | undefined;
  text?: string | undefined;
  fields?: Record<string, unknown> | undefined;
}

/** Stores the correction as a new version; fields given are merged over the current ones. */
export async function updateItem(vault: Vault, edit: ItemEdit): Promise<{ id: string; version: number }> {
  const cur = vault.getItem(edit.id);
  if (!cur) throw new KeepsakeError('NOT_FOUND', 'There is no such item. It may have been erased.');
  if (!EDITABLE.has(cur.category)) throw new KeepsakeError('FORBIDDEN', 'Only contacts, notes and calendar events can be corrected here.');
  if (edit.title !== undefined && !edit.title.trim()) throw new KeepsakeError('BAD_INPUT', 'The name or title cannot be empty.');
  const fields = edit.fields ? { ...cur.fields, ...edit.fields, editedInKeepsake: true } : cur.fields;
  const r = await vault.updateItem(edit.id, {
    ...(edit.title !== undefined ? { title: edit.title.trim() } : {}),
    ...(edit.text !== undefined ? { text: edit.text } : {}),
    fields,
  });
  return { id: r.id, version: r.version };
}
