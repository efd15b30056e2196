// cloud.*: targets the vault is mirrored to (S3-compatible, WebDAV, a folder), a live
// conformance check when one is added, sync now / on a schedule, a bandwidth limit, the
// per-target health line, and restoring a whole vault from a target on a new computer.
// Secrets (S3 secret key, WebDAV password) go in with add and never come back out.
import * as z from 'zod';
import { event, method } from './define';
import { JobInfo } from './jobs';

export const S3Settings = z
  .object({
    kind: z.literal('s3'),
    endpoint: z.string().url().max(2048).optional(),
    region: z.string().min(1).max(64).optional(),
    bucket: z.string().min(3).max(63).regex(/^[a-z0-9][a-z0-9.-]*$/, 'A bucket name has lowercase letters, digits, dots and dashes.'),
    prefix: z.string().max(200).regex(/^[A-Za-z0-9._/-]*$/).optional(),
    pathStyle: z.boolean().optional(),
    /** Plain http to a host other than this machine, allowed on purpose (a warning is shown). */
    allowInsecureHttp: z.boolean().optional(),
  })
  .strict();
export const WebDavSettings = z
  .object({
    kind: z.literal('webdav'),
    url: z.string().url().max(2048),
    username: z.string().min(1).max(256),
    allowInsecureHttp: z.boolean().optional(),
  })
  .strict();
export const FolderSettings = z.object({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }).strict();
export const TargetSettings = z.discriminatedUnion('kind', [S3Settings, WebDavSettings, FolderSettings]);
export type TargetSettings = z.infer<typeof TargetSettings>;

export const TargetSecrets = z
  .object({
    accessKeyId: z.string().min(1).max(256).optional(),
    secretAccessKey: z.string().min(1).max(512).optional(),
    password: z.string().min(1).max(1024).optional(),
  })
  .strict();
export type TargetSecrets = z.infer<typeof TargetSecrets>;

export const ConformanceCheck = z.object({
  id: z.string(),
  level: z.enum(['ok', 'warning', 'error']),
  message: z.string(),
});
export const ConformanceReport = z.object({ ok: z.boolean(), checks: z.array(ConformanceCheck) });
export type ConformanceReport = z.infer<typeof ConformanceReport>;

export const TargetHealth = z.object({
  lastSuccessAt: z.number().nullable(),
  lastAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  bytesUp: z.number().nonnegative(),
  objects: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** The health line in plain words ("Last synced 5 minutes ago · 1.2 GB up · 512 objects · no errors"). */
  line: z.string(),
});

export const TargetInfo = z.object({
  id: z.string(),
  kind: z.enum(['s3', 'webdav', 'folder']),
  label: z.string(),
  settings: TargetSettings,
  /** 0 = only when asked. */
  scheduleMinutes: z.number().int().nonnegative(),
  /** Upload limit in bytes per second; 0 = unlimited. */
  bandwidthBps: z.number().int().nonnegative(),
  health: TargetHealth,
  conformance: ConformanceReport.nullable(),
});
export type TargetInfo = z.infer<typeof TargetInfo>;

const ById = z.object({ id: z.string().regex(/^t-[0-9a-f]{12}$/) }).strict();

export const cloudMethods = {
  'cloud.targets': method({
    doc: 'Every cloud target with its settings (never its secrets), schedule, bandwidth limit and health line.',
    input: z.object({}).strict(),
    output: z.array(TargetInfo),
  }),
  'cloud.addTarget': method({
    doc: 'Check a target live (reachability, not-found vs error, range reads, atomic writes, listing, deletion, versioning, object lock) and add it if it can hold the vault safely.',
    input: z.object({ settings: TargetSettings, secrets: TargetSecrets.default({}) }).strict(),
    output: z.object({ target: TargetInfo, conformance: ConformanceReport, warning: z.string().nullable() }),
  }),
  'cloud.checkTarget': method({
    doc: 'Run the conformance check on a target without adding it (the form’s live check).',
    input: z.object({ settings: TargetSettings, secrets: TargetSecrets.default({}) }).strict(),
    output: z.object({ conformance: ConformanceReport, warning: z.string().nullable() }),
    needsVault: false,
  }),
  'cloud.removeTarget': method({
    doc: 'Stop mirroring to a target and forget its credentials (what is stored there is left as it is).',
    input: ById,
    output: z.object({ removed: z.literal(true) }),
  }),
  'cloud.sync': method({
    doc: 'Mirror the vault now to one target, or to every target; returns the job.',
    input: z.object({ id: ById.shape.id.optional() }).strict(),
    output: JobInfo,
  }),
  'cloud.setSchedule': method({
    doc: 'Sync a target every N minutes while the vault is unlocked and nothing else is running (0 = only when asked).',
    input: z.object({ id: ById.shape.id, everyMinutes: z.number().int().min(0).max(7 * 24 * 60) }).strict(),
    output: TargetInfo,
  }),
  'cloud.setBandwidth': method({
    doc: 'Limit upload speed to a target, in bytes per second (0 = unlimited).',
    input: z.object({ id: ById.shape.id, bytesPerSecond: z.number().int().min(0).max(10 * 1024 * 1024 * 1024) }).strict(),
    output: TargetInfo,
  }),
  'cloud.health': method({
    doc: 'The health line of every target.',
    input: z.object({}).strict(),
    output: z.array(z.object({ id: z.string(), label: z.string(), health: TargetHealth })),
  }),
  'cloud.restoreVault': method({
    doc: 'On a computer without a vault: rebuild the whole vault from a cloud target with the recovery key, then check every chunk. Returns the job.',
    input: z.object({ settings: TargetSettings, secrets: TargetSecrets.default({}), recoveryKey: z.string().min(10).max(200) }).strict(),
    output: JobInfo,
    needsVault: false,
  }),
};

export const cloudEvents = {
  'cloud.changed': event('A cloud target was added, removed, changed, or finished a sync.', z.object({ id: z.string().nullable() })),
};
