// How containers find the record parser for an entry. [Note: Registry link] The format
// registry (registry.ts, part 1 of the intake work) is the one place that detects formats;
// this link is what containers call. Until the registry is in place it recognises the
// record formats itself by content first, then by name, and calls part 1's importers
// directly; the decision rules mirror the registry's sniff() contract ('yes' on content,
// 'maybe' on the name alone).
import { importEml, importMbox, looksLikeMessage } from '../records/email';
import { importICalendar } from '../records/icalendar';
import { importKeepLabels, importKeepNote } from '../records/keep';
import { importSmsXml } from '../records/sms-xml';
import { importTextNote } from '../records/text-note';
import { importVCard } from '../records/vcard';
import type { FormatSpec, Importer } from '../types';

function spec(id: string, importer: Importer, categories: FormatSpec['categories']): FormatSpec {
  return { id, label: id, extensions: [], categories, sniff: () => 'yes', importer };
}

const VCARD = spec('vcard', importVCard, ['contact']);
const ICAL = spec('icalendar', importICalendar, ['event']);
const SMSXML = spec('sms-backup-xml', importSmsXml, ['message', 'call']);
const MBOX = spec('mbox', importMbox, ['email']);
const EML = spec('eml', importEml, ['email']);
const KEEP = spec('keep-note', importKeepNote, ['note']);
const KEEP_LABELS = spec('keep-labels', importKeepLabels, ['note']);
const TEXT = spec('text-note', importTextNote, ['note']);

export function lookupRecordFormat(head: Buffer, name: string): FormatSpec | null {
  const text = head.toString('utf8', 0, Math.min(head.length, 4096)).replace(/^\uFEFF/, '');
  const lower = name.toLowerCase();
  if (/^\s*BEGIN:VCARD/i.test(text)) return VCARD;
  if (/^\s*BEGIN:VCALENDAR/i.test(text)) return ICAL;
  if (/<(smses|calls)[\s>]/.test(text) && /^\s*(<\?xml|<!--|<smses|<calls)/.test(text)) return SMSXML;
  if (/^From /.test(text) && (lower.endsWith('.mbox') || /\n(From|Subject|Date|Received|Message-ID):/i.test(text))) return MBOX;
  if (lower.endsWith('.json') && /"(textContent|listContent)"\s*:/.test(text) && /"(isTrashed|isArchived|isPinned)"\s*:/.test(text)) return KEEP;
  if (lower === 'labels.txt') return KEEP_LABELS;
  if (lower.endsWith('.eml')) return EML;
  if (looksLikeMessage(head) && /^(from|date|subject|received|message-id|return-path|mime-version):/im.test(text) && /^(from|received|return-path):/im.test(text)) return EML;
  if (lower.endsWith('.vcf')) return VCARD;
  if (lower.endsWith('.ics')) return ICAL;
  if (lower.endsWith('.mbox')) return MBOX;
  if (/\.(txt|md|markdown)$/.test(lower)) return TEXT;
  return null;
}
