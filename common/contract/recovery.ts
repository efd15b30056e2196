// recovery.*: restore a person's data onto a new phone — as an export bundle in standard
// formats or through a paired device — with location sharing only under an explicit,
// expiring consent, and a verification report per category (docs/recovery.md).
import * as z from 'zod';
import { Category } from '../domain';
import { method } from './define';
import { JobInfo } from './jobs';

/** The categories a recovery can carry (what the bundle formats hold). */
export const RecoveryCategory = z.enum(['contact', 'event', 'message', 'call', 'note', 'email', 'photo', 'video', 'screenshot']);
export type RecoveryCategory = z.infer<typeof RecoveryCategory>;

export const RecoverySource = z.union([
  z.object({ kind: z.literal('everything') }).strict(),
  z.object({ kind: z.literal('device'), deviceId: z.string().min(1).max(128) }).strict(),
  z.object({ kind: z.literal('snapshot'), snapshotId: z.number().int().positive() }).strict(),
  /** Everything the vault held at the end of this moment (ms). */
  z.object({ kind: z.literal('date'), at: z.number().int() }).strict(),
]);
export type RecoverySource = z.infer<typeof RecoverySource>;

export const RecoveryTarget = z.union([
  z.object({ kind: z.literal('bundle'), dir: z.string().min(1).max(4096) }).strict(),
  z.object({ kind: z.literal('device'), deviceId: z.string().min(1).max(128) }).strict(),
]);
export type RecoveryTarget = z.infer<typeof RecoveryTarget>;

export const LocationChoice = z
  .object({
    precision: z.enum(['precise', 'approximate', 'none']),
    /** How long the consent lasts, from now. */
    expiresInMinutes: z.number().int().min(1).max(7 * 24 * 60),
  })
  .strict();
export type LocationChoice = z.infer<typeof LocationChoice>;

export const RecoveryPlan = z
  .object({
    source: RecoverySource,
    target: RecoveryTarget,
    categories: z.array(RecoveryCategory).min(1).max(RecoveryCategory.options.length).optional(),
    /** Only items that happened in this range (ms, inclusive); items without a date are kept. */
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    location: LocationChoice,
  })
  .strict();
export type RecoveryPlan = z.infer<typeof RecoveryPlan>;

export const LocationTravel = z.object({
  itemId: z.string(),
  category: Category,
  /** What it is: "photo GPS", "event GEO", "note location", "contact GEO". */
  what: z.string(),
  /** What would travel: 'precise', 'approximate' (rounded to ~1 km) or 'removed'. */
  as: z.enum(['precise', 'approximate', 'removed', 'skipped']),
});

export const RecoveryPreview = z.object({
  counts: z.record(z.string(), z.number()),
  bytes: z.number(),
  /** Items left out and why (erased items never come back). */
  excluded: z.record(z.string(), z.number()),
  location: z.object({
    precision: z.enum(['precise', 'approximate', 'none']),
    items: z.array(LocationTravel),
    /** In plain words, e.g. "3 photos would carry their location rounded to about 1 km". */
    summary: z.string(),
  }),
});
export type RecoveryPreview = z.infer<typeof RecoveryPreview>;

export const CategoryReport = z.object({
  category: RecoveryCategory,
  expected: z.number().int(),
  written: z.number().int(),
  verified: z.number().int(),
  skipped: z.array(z.object({ itemId: z.string(), reason: z.string() })),
  /** Fields the target format cannot hold, by name, with how many items had them. */
  unsupported: z.record(z.string(), z.number()),
  files: z.array(z.string()),
});
export type CategoryReport = z.infer<typeof CategoryReport>;

export const RecoveryReport = z.object({
  id: z.string(),
  state: z.enum(['running', 'finished', 'failed', 'cancelled']),
  target: RecoveryTarget,
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  categories: z.array(CategoryReport),
  location: z.object({
    precision: z.enum(['precise', 'approximate', 'none']),
    consentId: z.string().nullable(),
    shared: z.number().int(),
    coarsened: z.number().int(),
    removed: z.number().int(),
    /** Why location did not travel, in plain words (no consent, withdrawn, expired…). */
    notes: z.array(z.string()),
    purgeReceiptId: z.string().nullable(),
  }),
  /** Tombstoned (erased) items that matched the source and were left out. */
  erasedLeftOut: z.number().int(),
  ok: z.boolean(),
});
export type RecoveryReport = z.infer<typeof RecoveryReport>;

export const RecoverySourceInfo = z.object({
  kind: z.enum(['everything', 'device', 'snapshot']),
  id: z.string(),
  label: z.string(),
  items: z.number().int(),
});

const ById = z.object({ id: z.string().min(1).max(64) }).strict();

export const recoveryMethods = {
  'recovery.sources': method({
    doc: 'What a recovery can restore from: everything, each device, each snapshot, with item counts.',
    input: z.object({}).strict(),
    output: z.array(RecoverySourceInfo),
  }),
  'recovery.preview': method({
    doc: 'Counts, bytes and exactly which location data would travel, before anything is written.',
    input: RecoveryPlan,
    output: RecoveryPreview,
  }),
  'recovery.start': method({
    doc: 'Starts the recovery as a job (needs a fresh identity check); the location choice is recorded in the consent ledger.',
    input: RecoveryPlan,
    output: JobInfo,
  }),
  'recovery.report': method({
    doc: 'The verification report of a recovery (by recovery id or job id).',
    input: ById,
    output: RecoveryReport,
  }),
  'recovery.list': method({
    doc: 'Recoveries made from this vault, newest first.',
    input: z.object({}).strict(),
    output: z.array(RecoveryReport),
  }),
  'recovery.withdrawLocation': method({
    doc: 'Withdraws the location consent of a recovery at once: nothing location-bearing is shared after this.',
    input: ById,
    output: z.object({ withdrawn: z.boolean() }),
  }),
};
