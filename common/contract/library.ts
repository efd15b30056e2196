// Browse methods: what the library screens read (dashboard, photos, messages, calls, notes,
// contacts, calendar, email, the data map, search) and the one edit they make (a new
// version of a contact, note or event). Every list is keyset-paginated: pass back `next`.
import * as z from 'zod';
import { Category, LocationKind } from '../domain';
import { event, method } from './define';

/** An opaque keyset cursor from the previous page. */
export const Cursor = z.string().min(1).max(300);
const Limit = z.number().int().min(1).max(500).optional();
const ItemId = z.string().regex(/^[0-9a-f]{32}$/);

export const FileRef = z.object({
  role: z.enum(['original', 'thumbnail', 'attachment']),
  ordinal: z.number().int(),
  name: z.string(),
  mime: z.string(),
  size: z.number().nonnegative(),
  /** For api.mediaUrl(); null when the vault cannot stream this file on its own. */
  mediaId: z.string().nullable(),
});
export type FileRef = z.infer<typeof FileRef>;

export const ItemRow = z.object({
  id: z.string(),
  category: Category,
  deviceId: z.string(),
  personal: z.boolean(),
  occurredAt: z.number().nullable(),
  title: z.string(),
  summary: z.string(),
  version: z.number().int(),
});
export type ItemRow = z.infer<typeof ItemRow>;

export const PhotoRow = ItemRow.extend({
  thumb: z.string().nullable(),
  mime: z.string(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});
export type PhotoRow = z.infer<typeof PhotoRow>;

export const Copy = z.object({
  locationId: z.number().int(),
  kind: LocationKind,
  name: z.string(),
  state: z.string(),
  since: z.number(),
  lastVerified: z.number().nullable(),
  encryption: z.string(),
});
export type Copy = z.infer<typeof Copy>;

export const ItemDetail = ItemRow.extend({
  text: z.string(),
  fields: z.record(z.string(), z.unknown()),
  location: z.object({ lat: z.number(), lon: z.number() }).nullable(),
  files: z.array(FileRef),
  createdAt: z.number(),
  updatedAt: z.number(),
  editable: z.boolean(),
});
export type ItemDetail = z.infer<typeof ItemDetail>;

const Page = <T extends z.ZodType>(row: T) => z.object({ items: z.array(row), next: Cursor.nullable() });

export const Attention = z.object({
  kind: z.enum(['target-failing', 'device-stale', 'kit-unverified', 'no-backup']),
  message: z.string(),
  section: z.string(),
});

export const Overview = z.object({
  items: z.number().int(),
  bytes: z.number(),
  categories: z.array(z.object({ category: Category, count: z.number().int(), bytes: z.number() })),
  locations: z.array(z.object({ id: z.number().int(), kind: LocationKind, name: z.string(), count: z.number().int(), bytes: z.number() })),
  devices: z.array(z.object({ id: z.string(), name: z.string(), model: z.string().nullable(), platform: z.string().nullable(), lastSeenAt: z.number().nullable(), lastBackupAt: z.number().nullable(), items: z.number().int() })),
  attention: z.array(Attention),
});
export type Overview = z.infer<typeof Overview>;

export const Thread = z.object({ key: z.string(), title: z.string(), lastAt: z.number().nullable(), count: z.number().int(), lastText: z.string() });
export type Thread = z.infer<typeof Thread>;

export const Bubble = z.object({
  id: z.string(),
  occurredAt: z.number().nullable(),
  direction: z.string(),
  text: z.string(),
  subject: z.string().nullable(),
  attachments: z.array(FileRef),
});
export type Bubble = z.infer<typeof Bubble>;

export const CallRow = z.object({ id: z.string(), occurredAt: z.number().nullable(), title: z.string(), number: z.string(), kind: z.string(), durationSeconds: z.number() });
export type CallRow = z.infer<typeof CallRow>;

export const Occurrence = z.object({ id: z.string(), title: z.string(), start: z.number(), end: z.number().nullable(), allDay: z.boolean(), location: z.string().nullable(), recurring: z.boolean() });
export type Occurrence = z.infer<typeof Occurrence>;

export const EmailMessage = z.object({
  id: z.string(),
  subject: z.string(),
  from: z.string(),
  to: z.string(),
  cc: z.string(),
  occurredAt: z.number().nullable(),
  text: z.string(),
  html: z.string().nullable(),
  attachments: z.array(FileRef),
});
export type EmailMessage = z.infer<typeof EmailMessage>;

export const MatrixCell = z.object({ locationId: z.number().int(), count: z.number().int(), bytes: z.number(), personal: z.number().int(), nonPersonal: z.number().int(), encryption: z.array(z.string()) });
export const Matrix = z.object({
  locations: z.array(z.object({ id: z.number().int(), kind: LocationKind, name: z.string() })),
  rows: z.array(z.object({ category: Category, cells: z.array(MatrixCell) })),
});
export type Matrix = z.infer<typeof Matrix>;

export const SearchHit = ItemRow.extend({ snippet: z.string(), score: z.number() });
export type SearchHit = z.infer<typeof SearchHit>;
export const SearchResult = z.object({
  groups: z.array(z.object({ category: Category, hits: z.array(SearchHit), more: z.boolean() })),
  /** True when only the newest matches were ranked (a very common word): say so, offer filters. */
  windowed: z.boolean(),
});
export type SearchResult = z.infer<typeof SearchResult>;

const PhotoView = z.enum(['photos', 'screenshots']);

export const libraryMethods = {
  'library.overview': method({ doc: 'The dashboard: totals by category and location, devices and their last backups, and what needs attention.', input: z.object({}).strict(), output: Overview }),
  'photos.timeline': method({
    doc: 'Photos and videos (or screenshots) newest first, one page; `before` jumps to a date.',
    input: z.object({ view: PhotoView.default('photos'), cursor: Cursor.optional(), before: z.number().optional(), limit: Limit }).strict(),
    output: Page(PhotoRow),
  }),
  'photos.days': method({
    doc: 'How many photos each day holds (newest first), for the timeline layout and jump-to-date.',
    input: z.object({ view: PhotoView.default('photos'), tzOffsetMinutes: z.number().int().min(-900).max(900).default(0) }).strict(),
    output: z.object({ days: z.array(z.object({ day: z.string(), count: z.number().int(), end: z.number() })), undated: z.number().int() }),
  }),
  'photos.places': method({
    doc: 'Photos with GPS, clustered on a grid of `cellDegrees` (one point per cell with a count and a sample).',
    input: z.object({ cellDegrees: z.number().min(0.001).max(90).default(2) }).strict(),
    output: z.object({ clusters: z.array(z.object({ lat: z.number(), lon: z.number(), count: z.number().int(), sample: z.string(), thumb: z.string().nullable() })), total: z.number().int() }),
  }),
  'messages.threads': method({
    doc: 'Conversations (by address), the most recent first.',
    input: z.object({ cursor: Cursor.optional(), limit: Limit }).strict(),
    output: z.object({ items: z.array(Thread), next: Cursor.nullable() }),
  }),
  'messages.thread': method({
    doc: 'The messages of one conversation, newest first (the screen shows them oldest at the top).',
    input: z.object({ key: z.string().max(500), cursor: Cursor.optional(), limit: Limit }).strict(),
    output: z.object({ items: z.array(Bubble), next: Cursor.nullable() }),
  }),
  'calls.list': method({ doc: 'The call log, newest first.', input: z.object({ cursor: Cursor.optional(), limit: Limit }).strict(), output: z.object({ items: z.array(CallRow), next: Cursor.nullable() }) }),
  'notes.list': method({ doc: 'Notes, newest first.', input: z.object({ cursor: Cursor.optional(), limit: Limit }).strict(), output: Page(ItemRow) }),
  'contacts.list': method({ doc: 'Contacts A to Z.', input: z.object({ cursor: Cursor.optional(), limit: Limit }).strict(), output: Page(ItemRow) }),
  'email.list': method({ doc: 'Email, newest first.', input: z.object({ cursor: Cursor.optional(), limit: Limit }).strict(), output: Page(ItemRow) }),
  'email.message': method({ doc: 'One email: headers, text, the HTML as written (the screen sanitises it) and attachments.', input: z.object({ id: ItemId }).strict(), output: EmailMessage }),
  'events.range': method({
    doc: 'Calendar occurrences between two times, recurring events expanded.',
    input: z.object({ from: z.number(), to: z.number() }).strict().refine((x) => x.to > x.from && x.to - x.from <= 400 * 86_400_000, 'The range must be positive and at most 400 days.'),
    output: z.object({ items: z.array(Occurrence) }),
  }),
  'items.get': method({ doc: 'One item with all its fields and files.', input: z.object({ id: ItemId }).strict(), output: ItemDetail }),
  'items.copies': method({ doc: 'Every place a copy of this item is stored: location, since when, encrypted how, last verified.', input: z.object({ id: ItemId }).strict(), output: z.object({ items: z.array(Copy) }) }),
  'items.update': method({
    doc: 'Correct a contact, note or event: stores a new version (the old one stays in history).',
    input: z
      .object({ id: ItemId, title: z.string().max(1000).optional(), text: z.string().max(1_000_000).optional(), fields: z.record(z.string(), z.unknown()).optional() })
      .strict(),
    output: z.object({ id: z.string(), version: z.number().int() }),
  }),
  'datamap.matrix': method({ doc: 'Categories × locations: count, bytes, personal/non-personal split and encryption of the copies in each cell.', input: z.object({}).strict(), output: Matrix }),
  'datamap.items': method({
    doc: 'The items behind one data-map cell, newest first.',
    input: z.object({ category: Category, locationId: z.number().int(), cursor: Cursor.optional(), limit: Limit }).strict(),
    output: Page(ItemRow),
  }),
  'search.query': method({
    doc: 'Search everything (messages, notes, email, contacts, events, photo places and dates); results grouped by category.',
    input: z
      .object({
        q: z.string().max(500),
        categories: z.array(Category).max(11).optional(),
        from: z.number().optional(),
        to: z.number().optional(),
        deviceId: z.string().max(200).optional(),
        perGroup: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    output: SearchResult,
  }),
};

export const libraryEvents = {
  'library.changed': event(
    'Items were added, changed or erased (an import, a phone sync, an edit, an erase, a backup): screens that show items reload. Sent at most a few times a second.',
    z.object({}),
  ),
};
