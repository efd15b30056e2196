// Google Keep notes from a Takeout "Keep" folder: one JSON file per note (text or
// checklist, labels, colour, archived/trashed/pinned, annotations) with its attachments
// (drawings, photos, voice recordings) as files beside the JSON; plus Keep/Labels.txt,
// the label list. A referenced attachment that is missing from the export is reported,
// the note kept. Broken JSON, or JSON that is not a Keep note, is refused with the reason.
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedFile, ParsedItem } from '../types';
import { decodeText, hashKey, readAll, validTime } from './util';

const MAX_NOTE_JSON = 16 * 1024 * 1024;
const MAX_ATTACHMENT = 512 * 1024 * 1024;

interface KeepNote {
  title?: unknown;
  textContent?: unknown;
  textContentHtml?: unknown;
  listContent?: unknown;
  labels?: unknown;
  attachments?: unknown;
  annotations?: unknown;
  color?: unknown;
  isTrashed?: unknown;
  isPinned?: unknown;
  isArchived?: unknown;
  createdTimestampUsec?: unknown;
  userEditedTimestampUsec?: unknown;
  sharees?: unknown;
}

/** True when a parsed JSON value has the shape of a Keep note. */
export function isKeepNote(v: unknown): v is KeepNote {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as KeepNote;
  const hasBody = typeof o.textContent === 'string' || Array.isArray(o.listContent);
  const hasKeepMarks = typeof o.isTrashed === 'boolean' || typeof o.isArchived === 'boolean' || typeof o.isPinned === 'boolean' || typeof o.createdTimestampUsec === 'number' || typeof o.userEditedTimestampUsec === 'number';
  return hasBody && hasKeepMarks;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

async function readAttachment(input: ImportInput, name: string): Promise<Buffer | null> {
  const sib = input.sibling?.(name);
  if (!sib) return null;
  return await readAll(sib, MAX_ATTACHMENT, 'note attachment');
}

/** The importer for one Keep note JSON file. */
export async function* importKeepNote(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const bytes = await readAll(input, MAX_NOTE_JSON, 'Keep note');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeText(bytes).text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new KeepsakeError('CORRUPT', `This Keep note's JSON is broken (${(e as Error).message}); nothing could be read from it.`);
  }
  if (!isKeepNote(parsed)) throw new KeepsakeError('UNSUPPORTED', 'This is valid JSON but not a Google Keep note (no text or checklist and no Keep note flags).');
  const n = parsed;
  const title = str(n.title);
  const body = str(n.textContent);
  const checklist = Array.isArray(n.listContent) ? n.listContent.filter((x): x is { text?: unknown; isChecked?: unknown } => !!x && typeof x === 'object').map((x) => ({ text: str(x.text), checked: x.isChecked === true })) : [];
  const labels = Array.isArray(n.labels) ? n.labels.map((l) => str((l as { name?: unknown })?.name)).filter(Boolean) : [];
  const annotations = Array.isArray(n.annotations) ? n.annotations.filter((a) => a && typeof a === 'object') : [];
  const files: ParsedFile[] = [{ role: 'original', name: 'note.json', mime: 'application/json', data: bytes }];
  const attachments: Array<Record<string, unknown>> = [];
  for (const a of Array.isArray(n.attachments) ? n.attachments : []) {
    const filePath = str((a as { filePath?: unknown })?.filePath);
    const mime = str((a as { mimetype?: unknown })?.mimetype) || 'application/octet-stream';
    if (!filePath) continue;
    const data = await readAttachment(input, filePath);
    if (!data) {
      ctx.refuse(`attachment ${filePath}`, `The note refers to the attachment "${filePath}", which is not in the export; the note was kept without it.`);
      attachments.push({ filePath, mime, missing: true });
      continue;
    }
    files.push({ role: 'attachment', name: filePath, mime, data });
    attachments.push({ filePath, mime, bytes: data.length });
  }
  const created = typeof n.createdTimestampUsec === 'number' ? validTime(n.createdTimestampUsec / 1000) : undefined;
  const edited = typeof n.userEditedTimestampUsec === 'number' ? validTime(n.userEditedTimestampUsec / 1000) : undefined;
  const checklistText = checklist.map((c) => `${c.checked ? '[x]' : '[ ]'} ${c.text}`).join('\n');
  const fields: Record<string, unknown> = {
    format: 'google-keep',
    title,
    text: body,
    checklist,
    labels,
    color: str(n.color) || 'DEFAULT',
    archived: n.isArchived === true,
    trashed: n.isTrashed === true,
    pinned: n.isPinned === true,
    attachments,
  };
  if (annotations.length) fields.annotations = annotations;
  if (typeof n.textContentHtml === 'string') fields.html = n.textContentHtml;
  if (created !== undefined) fields.createdAt = created;
  if (edited !== undefined) fields.editedAt = edited;
  if (Array.isArray(n.sharees)) fields.sharees = n.sharees;
  const item: ParsedItem = {
    category: 'note',
    // Keep has no note id in Takeout: the note file's exact bytes identify it (an edited
    // note is a new item; the same export imported again is the same item).
    sourceKey: hashKey('keep', bytes),
    title: title || body.split('\n')[0]?.slice(0, 120) || checklist[0]?.text || 'Untitled note',
    text: [title, body, checklistText, labels.map((l) => `#${l}`).join(' '), ...annotations.map((a) => `${str((a as { title?: unknown }).title)} ${str((a as { url?: unknown }).url)}`)].filter((x) => x.trim()).join('\n'),
    fields,
    personal: true,
    files,
  };
  const when = edited ?? created;
  if (when !== undefined) item.occurredAt = when;
  ctx.report({ items: 1, bytes: bytes.length });
  yield item;
}

/** Keep/Labels.txt: the label list, kept as one note so labels without notes are not lost. */
export async function* importKeepLabels(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const bytes = await readAll(input, MAX_NOTE_JSON, 'Keep label list');
  const labels = decodeText(bytes).text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  ctx.report({ items: 1, bytes: bytes.length });
  yield {
    category: 'note',
    sourceKey: hashKey('keep-labels', labels),
    title: 'Google Keep labels',
    text: labels.join('\n'),
    fields: { format: 'google-keep-labels', labels },
    personal: true,
    files: [{ role: 'original', name: 'Labels.txt', mime: 'text/plain', data: bytes }],
  };
}
