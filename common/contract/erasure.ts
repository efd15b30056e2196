// erase.*, receipts.*, consent.*, holds.*: the privacy center. Erasure destroys every copy
// Keepsake controls and names what it cannot reach; receipts and the consent ledger are
// append-only and tamper-evident.
import * as z from 'zod';
import { Category, LocationKind } from '../domain';
import { method } from './define';
import { JobInfo } from './jobs';

export const ItemId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

/** What to erase: picked items, a search result, a category, a device, a date range. */
export const Selection = z.union([
  z.object({ itemIds: z.array(ItemId).min(1).max(100_000) }).strict(),
  z.object({ query: z.string().min(1).max(500), category: Category.optional() }).strict(),
  z.object({ category: Category, olderThanDays: z.number().int().positive().optional() }).strict(),
  z.object({ deviceId: z.string().min(1).max(128) }).strict(),
  z.object({ from: z.number(), to: z.number(), category: Category.optional() }).strict(),
  /** Everything from every device marked as a child's (the guardian's one-step erase). */
  z.object({ childDevices: z.literal(true) }).strict(),
]);
export type Selection = z.infer<typeof Selection>;

export const PreviewLocation = z.object({
  name: z.string(),
  kind: LocationKind,
  items: z.number().int(),
  encryption: z.string(),
  /** What will happen there, in plain words. */
  plan: z.string(),
});

export const ErasePreview = z.object({
  /** The items that will be erased (held ones excluded). */
  itemIds: z.array(z.string()),
  counts: z.record(z.string(), z.number()),
  bytes: z.number(),
  held: z.number().int(),
  locations: z.array(PreviewLocation),
  scope: z.string(),
});
export type ErasePreview = z.infer<typeof ErasePreview>;

export const LocationOutcome = z.object({
  location: z.string(),
  kind: LocationKind,
  outcome: z.enum(['erased', 'key-destroyed', 'provider-retention', 'pending', 'held', 'failed', 'exported', 'kept-on-device']),
  items: z.number().int(),
  until: z.number().optional(),
  /** When a location that was pending completed. */
  doneAt: z.number().optional(),
  detail: z.string().optional(),
  /** A phone line: the paired device it stands for. */
  deviceId: z.string().optional(),
});

export const Receipt = z.object({
  id: z.string(),
  revision: z.number().int(),
  at: z.number(),
  kind: z.enum(['erasure', 'export', 'retention', 'recovery-purge']),
  scope: z.string(),
  requestedAt: z.number(),
  counts: z.record(z.string(), z.number()),
  locations: z.array(LocationOutcome),
  complete: z.boolean(),
});
export type Receipt = z.infer<typeof Receipt>;

export const ChainVerdict = z.union([
  z.object({ ok: z.literal(true), count: z.number() }),
  z.object({ ok: z.literal(false), firstBadSeq: z.number().nullable(), reason: z.string() }),
]);

export const ConsentRecord = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.number(),
  action: z.enum(['granted', 'withdrawn', 'dropped']),
  subject: z.enum(['location', 'child-data']),
  purpose: z.string(),
  recipient: z.string(),
  precision: z.enum(['precise', 'approximate', 'none']),
  expiresAt: z.number().nullable(),
  noticeVersion: z.string(),
  noticeHash: z.string(),
  refersTo: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  /** For grants: whether it is live now, and why not. */
  live: z.boolean().optional(),
  endedBecause: z.string().optional(),
});

export const Hold = z.object({ id: z.number(), itemId: z.string().nullable(), category: Category.nullable(), reason: z.string(), createdAt: z.number() });

export const RetentionRule = z.object({
  id: z.number(),
  category: Category,
  olderThanDays: z.number().int(),
  enabled: z.boolean(),
  lastRunAt: z.number().nullable(),
  createdAt: z.number(),
  wouldErase: z.number().int(),
});
export type RetentionRule = z.infer<typeof RetentionRule>;

export const NonPersonalReport = z.object({
  appVersion: z.string(),
  devices: z.array(z.object({ name: z.string(), model: z.string().nullable(), platform: z.string().nullable(), linkedPersonalItems: z.number(), treatedAs: z.enum(['personal', 'non-personal']) })),
  nonPersonalItems: z.array(z.object({ category: z.string(), count: z.number() })),
  statistics: z.array(z.object({ what: z.string(), value: z.number() })),
  leavesComputer: z.literal(false),
});

export const erasureMethods = {
  'privacy.nonPersonal': method({
    doc: 'The non-personal information Keepsake holds (device models, app version, statistics), with the combination rule applied.',
    input: z.object({}).strict(),
    output: NonPersonalReport,
  }),
  'privacy.report': method({
    doc: 'Download my data: write everything Keepsake holds about you (JSON index, original files, standard formats, ledgers) to a new folder inside this one, outside the data folder; needs a fresh passphrase confirmation; ends with an export receipt.',
    input: z.object({ dir: z.string().min(1).max(4096) }).strict(),
    output: JobInfo,
  }),
  'retention.list': method({ doc: 'Retention rules, each with how many items it would erase now.', input: z.object({}).strict(), output: z.array(RetentionRule) }),
  'retention.add': method({
    doc: 'Add a rule (switched off): the answer previews how many items it would erase; turn it on to run it daily.',
    input: z.object({ category: Category, olderThanDays: z.number().int().min(1).max(36_500) }).strict(),
    output: RetentionRule,
  }),
  'retention.setEnabled': method({
    doc: 'Turn a rule on (needs a fresh passphrase confirmation) or off.',
    input: z.object({ id: z.number().int(), enabled: z.boolean() }).strict(),
    output: RetentionRule,
  }),
  'retention.remove': method({ doc: 'Delete a rule.', input: z.object({ id: z.number().int() }).strict(), output: z.object({ ok: z.literal(true) }) }),
  'retention.run': method({
    doc: 'Run one rule now as a job (needs a fresh passphrase confirmation); returns null when it has nothing to erase.',
    input: z.object({ id: z.number().int() }).strict(),
    output: JobInfo.nullable(),
  }),
  'erase.preview': method({
    doc: 'What erasing this selection would destroy, and every place a copy lives (held items are listed, not erased).',
    input: z.object({ selection: Selection }).strict(),
    output: ErasePreview,
  }),
  'erase.start': method({
    doc: 'Erase the previewed items everywhere Keepsake keeps them (needs a fresh passphrase confirmation); ends with the receipt named by receiptId.',
    input: z.object({ itemIds: z.array(ItemId).min(1).max(100_000), scope: z.string().min(1).max(300) }).strict(),
    // The id of the receipt the job ends with: fetch that one (receipts.get), not the newest.
    output: JobInfo.extend({ receiptId: z.string().uuid() }),
  }),
  'receipts.list': method({ doc: 'Every receipt (latest revision), newest first.', input: z.object({}).strict(), output: z.array(Receipt) }),
  'receipts.get': method({ doc: 'One receipt with its revision history.', input: z.object({ id: z.string().uuid() }).strict(), output: z.object({ receipt: Receipt, history: z.array(Receipt), html: z.string() }) }),
  'receipts.verify': method({ doc: 'Check the receipt chain for tampering.', input: z.object({}).strict(), output: ChainVerdict }),
  'consent.list': method({ doc: 'The consent ledger, oldest first, with whether each grant is live.', input: z.object({}).strict(), output: z.array(ConsentRecord) }),
  'consent.withdraw': method({ doc: 'Withdraw a consent now; sharing under it stops at once.', input: z.object({ id: z.string().uuid() }).strict(), output: ConsentRecord }),
  'consent.grantChild': method({
    doc: "Record the guardian's consent for a child's device to back up (needs a fresh passphrase confirmation); until then it syncs nothing.",
    input: z.object({ deviceId: z.string().min(1).max(100) }).strict(),
    output: ConsentRecord,
  }),
  'consent.verify': method({ doc: 'Check the consent ledger for tampering; names the first bad record.', input: z.object({}).strict(), output: ChainVerdict }),
  'holds.list': method({ doc: 'Items and categories under legal hold.', input: z.object({}).strict(), output: z.array(Hold) }),
  'holds.add': method({
    doc: 'Put an item or a whole category under legal hold: it cannot be erased until released.',
    input: z.union([z.object({ itemId: ItemId, reason: z.string().min(1).max(300) }).strict(), z.object({ category: Category, reason: z.string().min(1).max(300) }).strict()]),
    output: Hold,
  }),
  'holds.release': method({ doc: 'Release a legal hold.', input: z.object({ id: z.number().int() }).strict(), output: z.object({ ok: z.literal(true) }) }),
};
