// watch.*: folders Keepsake imports from continuously (a folder a phone drops exports
// into, a synced folder) while the vault is unlocked, each with its status.
import * as z from 'zod';
import { method } from './define';

export const WatchFolder = z.object({
  id: z.string(),
  /** Absolute path of the watched folder. */
  path: z.string(),
  addedAt: z.number(),
  /** 'watching' while the vault is unlocked and the folder is being watched. */
  state: z.enum(['watching', 'stopped']),
  /** 'events' = file-system events plus a periodic rescan; 'rescan' = periodic rescan only. */
  mode: z.enum(['events', 'rescan']).nullable(),
  lastScanAt: z.number().nullable(),
  /** Files imported from this folder since it was added. */
  filesImported: z.number().int().nonnegative(),
  /** The last problem, in plain words (cleared by the next good scan). */
  lastError: z.string().nullable(),
});
export type WatchFolder = z.infer<typeof WatchFolder>;

export const watchMethods = {
  'watch.add': method({
    doc: 'Watch a folder: what appears or changes in it is imported once it has stopped changing.',
    input: z.object({ path: z.string().min(1).max(4096) }).strict(),
    output: WatchFolder,
    needsVault: true,
  }),
  'watch.list': method({
    doc: 'The watched folders with their status (last scan, files imported, last error).',
    input: z.object({}).strict(),
    output: z.array(WatchFolder),
    needsVault: true,
  }),
  'watch.remove': method({
    doc: 'Stop watching a folder (what was imported from it stays).',
    input: z.object({ id: z.string().min(1).max(200) }).strict(),
    output: z.object({ removed: z.boolean() }),
    needsVault: true,
  }),
};
