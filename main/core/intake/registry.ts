// The format registry: the one place that decides which importer reads a file. Detection
// is by content first (each spec's sniff() says 'yes' only when the bytes prove the format,
// so a vCard named photo.jpg is still read as a vCard) and by file name second ('maybe'),
// in registration order. Record formats are registered here; media and container formats
// (part 2: main/core/intake/media, main/core/intake/archives) add theirs with
// registerFormat()/registerFolderFormat() from their own modules.
import { basename } from 'node:path';
import type { Category } from '../../../common/domain';
import { importBear } from './records/bear';
import { importEml, importMbox, looksLikeMessage } from './records/email';
import { importEnex } from './records/enex';
import { importICalendar } from './records/icalendar';
import { importKeepLabels, importKeepNote } from './records/keep';
import { importSmsXmlStreaming } from './records/parse-worker';
import { importTextNote } from './records/text-note';
import { importVCard } from './records/vcard';
import type { FolderFormatSpec, FormatSpec } from './types';
import { containerFormats, iosBackupFolderFormat } from './archives/formats';
import { mediaFormat, photoSidecarFormat } from './media/format';

/** How many bytes of a file sniff() sees. */
export const SNIFF_BYTES = 64 * 1024;

function headText(head: Buffer): string {
  return head.toString('utf8', 0, Math.min(head.length, 8192)).replace(/^\uFEFF/, '');
}

function ext(name: string): string {
  const n = name.toLowerCase();
  const dot = n.lastIndexOf('.');
  return dot < 0 ? '' : n.slice(dot + 1);
}

function byExtension(name: string, exts: string[]): 'maybe' | 'no' {
  return exts.includes(ext(name)) ? 'maybe' : 'no';
}

/** The XML root element's name, skipping the declaration, processing instructions, comments and a DOCTYPE. */
export function xmlRoot(text: string): string | null {
  const s = text.replace(/^\s*(<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>\s*)*/i, '');
  return /^<([A-Za-z_][\w.-]*)/.exec(s)?.[1] ?? null;
}

const RECORD_FORMATS: FormatSpec[] = [
  {
    id: 'vcard',
    label: 'Contacts (vCard 2.1, 3.0, 4.0)',
    extensions: ['vcf', 'vcard'],
    categories: ['contact'],
    sniff: (head, name) => (/^\s*BEGIN:VCARD\b/i.test(headText(head)) ? 'yes' : byExtension(name, ['vcf', 'vcard'])),
    importer: importVCard,
  },
  {
    id: 'icalendar',
    label: 'Calendar (iCalendar .ics)',
    extensions: ['ics', 'ical', 'ifb', 'icalendar'],
    categories: ['event'],
    sniff: (head, name) => (/^\s*BEGIN:(VCALENDAR|VEVENT)\b/i.test(headText(head)) ? 'yes' : byExtension(name, ['ics', 'ical', 'ifb', 'icalendar'])),
    importer: importICalendar,
  },
  {
    id: 'sms-backup-xml',
    label: 'Messages and calls (SMS Backup & Restore XML)',
    extensions: ['xml'],
    categories: ['message', 'call'],
    sniff: (head, name) => {
      const root = xmlRoot(headText(head));
      if (root === 'smses' || root === 'calls') return 'yes';
      return root === null && /^(sms|calls)[-_].*\.xml$/i.test(name) ? 'maybe' : 'no';
    },
    importer: importSmsXmlStreaming,
  },
  {
    id: 'enex',
    label: 'Evernote notes (.enex)',
    extensions: ['enex'],
    categories: ['note'],
    sniff: (head, name) => (xmlRoot(headText(head)) === 'en-export' ? 'yes' : byExtension(name, ['enex'])),
    importer: importEnex,
  },
  {
    id: 'bear',
    label: 'Bear notes backup (.bear2bk)',
    extensions: ['bear2bk'],
    categories: ['note'],
    sniff: (head, name) => (ext(name) === 'bear2bk' ? (head.readUInt32BE(0) === 0x504b0304 || head.length < 4 ? 'yes' : 'maybe') : 'no'),
    importer: importBear,
  },
  {
    id: 'mbox',
    label: 'Mailbox (mbox)',
    extensions: ['mbox', 'mbx'],
    categories: ['email'],
    sniff: (head, name) => {
      const t = headText(head);
      if (/^From \S/.test(t) && /\n(From|Subject|Date|Received|Message-ID|Return-Path):/i.test(t.slice(0, 8192))) return 'yes';
      return byExtension(name, ['mbox', 'mbx']);
    },
    importer: importMbox,
  },
  {
    id: 'keep-note',
    label: 'Google Keep notes (Takeout JSON)',
    extensions: ['json'],
    categories: ['note'],
    sniff: (head, name) => {
      const t = headText(head);
      if (/^\s*\{/.test(t) && /"(textContent|listContent)"\s*:/.test(t) && /"(isTrashed|isArchived|isPinned|createdTimestampUsec)"\s*:/.test(t)) return 'yes';
      return byExtension(name, ['json']);
    },
    importer: importKeepNote,
  },
  {
    id: 'keep-labels',
    label: 'Google Keep label list (Labels.txt)',
    extensions: [],
    categories: ['note'],
    sniff: (head, name) => (basename(name) === 'Labels.txt' && !head.subarray(0, 8192).includes(0) ? 'yes' : 'no'),
    importer: importKeepLabels,
  },
  {
    id: 'eml',
    label: 'Email message (.eml)',
    extensions: ['eml', 'email', 'mht'],
    categories: ['email'],
    sniff: (head, name) => {
      const t = headText(head);
      const headers = t.split(/\r?\n\r?\n/, 1)[0] ?? '';
      if (looksLikeMessage(head) && /^(from|sender):/im.test(headers) && /^(date|subject|message-id|received|mime-version|to):/im.test(headers)) return 'yes';
      return byExtension(name, ['eml', 'email']);
    },
    importer: importEml,
  },
  {
    id: 'text-note',
    label: 'Text and Markdown notes',
    extensions: ['txt', 'md', 'markdown', 'text'],
    categories: ['note'],
    sniff: (_head, name) => byExtension(name, ['txt', 'md', 'markdown', 'text']),
    importer: importTextNote,
  },
];

const formats: FormatSpec[] = [...RECORD_FORMATS];
const folderFormats: FolderFormatSpec[] = [];

/** Adds a format (media, containers). Specs added later are asked after the record formats. */
export function registerFormat(spec: FormatSpec): void {
  if (!formats.some((f) => f.id === spec.id)) formats.push(spec);
}

export function registerFolderFormat(spec: FolderFormatSpec): void {
  if (!folderFormats.some((f) => f.id === spec.id)) folderFormats.push(spec);
}

// Part 2: photos/videos and containers (zip/tgz Takeout, .ab, MIUI .bak, iPhone backups).
for (const f of [mediaFormat, photoSidecarFormat, ...containerFormats]) registerFormat(f);
registerFolderFormat(iosBackupFolderFormat);

/** The record formats only (what containers hand their entries to). */
export const recordFormats: readonly FormatSpec[] = RECORD_FORMATS;

/** Picks the importer for a file from its first bytes and its name, or null. */
export function detectFormat(head: Buffer, name: string, among: readonly FormatSpec[] = formats): FormatSpec | null {
  let maybe: FormatSpec | null = null;
  for (const f of among) {
    let verdict: 'yes' | 'maybe' | 'no';
    try {
      verdict = f.sniff(head, name);
    } catch {
      verdict = 'no'; // a sniffer must never take the import down
    }
    if (verdict === 'yes') return f;
    if (verdict === 'maybe' && !maybe) maybe = f;
  }
  return maybe;
}

/** Only record formats: for containers, which handle media and nested archives themselves. */
export function detectRecordFormat(head: Buffer, name: string): FormatSpec | null {
  return detectFormat(head, name, RECORD_FORMATS);
}

export function allFormats(): readonly FormatSpec[] {
  return formats;
}

export function allFolderFormats(): readonly FolderFormatSpec[] {
  return folderFormats;
}

/** What the UI lists as importable. */
export function formatList(): Array<{ id: string; label: string; extensions: string[]; categories: Category[]; folder: boolean }> {
  return [
    ...formats.map((f) => ({ id: f.id, label: f.label, extensions: f.extensions, categories: f.categories, folder: false })),
    ...folderFormats.map((f) => ({ id: f.id, label: f.label, extensions: [], categories: f.categories, folder: true })),
  ];
}
