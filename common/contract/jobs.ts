// jobs.* and job.*: long work (imports, backups, sync, erasure, restore) runs as a job
// that reports throttled progress and can be paused or cancelled.
import * as z from 'zod';
import { ErrorCodes } from '../errors';
import { event, method } from './define';

export const JobState = z.enum(['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

export const JobId = z.string().regex(/^[a-z0-9-]{6,64}$/);

export const JobInfo = z.object({
  id: JobId,
  kind: z.string(),
  /** What the person asked for, in plain words ("Import 3 files"). */
  title: z.string(),
  state: JobState,
  /** What the job is doing now ("Reading messages.xml"). */
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  canPause: z.boolean(),
  error: z.object({ code: z.enum(ErrorCodes), message: z.string() }).nullable(),
  /** A short outcome line for the history ("Imported 1,204 items, 3 refused"). */
  summary: z.string().nullable(),
});
export type JobInfo = z.infer<typeof JobInfo>;

const ById = z.object({ id: JobId }).strict();

export const jobMethods = {
  'jobs.list': method({
    doc: 'Every job of this session and the recent history, newest first.',
    input: z.object({}).strict(),
    output: z.array(JobInfo),
    needsVault: false,
  }),
  'jobs.cancel': method({ doc: 'Cancel a running or paused job; what it finished is kept.', input: ById, output: JobInfo, needsVault: false }),
  'jobs.pause': method({ doc: 'Pause a running job at its next safe point.', input: ById, output: JobInfo, needsVault: false }),
  'jobs.resume': method({ doc: 'Resume a paused job.', input: ById, output: JobInfo, needsVault: false }),
};

export const jobEvents = {
  /** A job started, advanced, paused, finished or failed (throttled to a few per second). */
  'job.progressed': event('A job started, advanced, paused, finished or failed.', JobInfo),
};
