// intake.*: import what phones and apps export (contacts, calendars, messages, email,
// notes, photos, backups) as a job, read its report, and list the formats the UI offers.
import * as z from 'zod';
import { Category } from '../domain';
import { method } from './define';
import { JobId, JobInfo } from './jobs';

export const ImportFileStatus = z.enum(['imported', 'duplicate', 'tombstoned', 'refused']);
export type ImportFileStatus = z.infer<typeof ImportFileStatus>;

/** Per category: how many items a file held. */
export const CategoryCounts = z.partialRecord(Category, z.number().int().nonnegative());
export type CategoryCounts = z.infer<typeof CategoryCounts>;

export const ImportRefusal = z.object({
  /** The file (or container entry) the refusal is about. */
  path: z.string(),
  /** Where in it: "line 12", "message 3, part 2", "entry Notes/x.txt". */
  position: z.string(),
  /** Plain words for a person. */
  reason: z.string(),
});
export type ImportRefusal = z.infer<typeof ImportRefusal>;

export const ImportFileReport = z.object({
  path: z.string(),
  status: ImportFileStatus,
  items: CategoryCounts,
  /** Why the whole file was refused, in plain words. */
  reason: z.string().optional(),
  /** Which format it was read as. */
  format: z.string().optional(),
  added: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  tombstoned: z.number().int().nonnegative(),
  /** Counts the file stated that did not match what was found, and similar remarks. */
  notes: z.array(z.string()),
  /** Refused because it is an encrypted backup whose password was missing or wrong: ask and retry. */
  needsPassword: z.boolean().optional(),
});
export type ImportFileReport = z.infer<typeof ImportFileReport>;

export const ImportReport = z.object({
  jobId: z.string(),
  state: z.enum(['running', 'finished', 'cancelled', 'failed']),
  files: z.array(ImportFileReport),
  totals: CategoryCounts,
  refusals: z.array(ImportRefusal),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportFormat = z.object({
  id: z.string(),
  label: z.string(),
  extensions: z.array(z.string()),
  categories: z.array(Category),
  /** True for formats that are a whole folder (an iPhone backup). */
  folder: z.boolean(),
});
export type ImportFormat = z.infer<typeof ImportFormat>;

export const intakeMethods = {
  'intake.start': method({
    doc: 'Import files and folders into the vault as a job; returns the job at once.',
    input: z
      .object({
        paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
        /** The password of encrypted Android backups among the paths, if any. */
        backupPassword: z.string().max(1024).optional(),
      })
      .strict(),
    output: JobInfo,
    needsVault: true,
  }),
  'intake.report': method({
    doc: 'The report of an import job: per file imported, already present, skipped as erased or refused (with reasons).',
    input: z.object({ jobId: JobId }).strict(),
    output: ImportReport,
    needsVault: false,
  }),
  'intake.formats': method({
    doc: 'The formats Keepsake can import, for the Import dialog.',
    input: z.object({}).strict(),
    output: z.array(ImportFormat),
    needsVault: false,
  }),
};
