// vault.*: create, unlock and lock the encrypted vault; its statistics; and a check job.
import * as z from 'zod';
import { VaultState } from '../domain';
import { event, method } from './define';
import { JobInfo } from './jobs';

/** Passphrases are checked for strength in the UI; the contract only bounds their size. */
export const Passphrase = z.string().min(1).max(1024);

export const VaultStats = z.object({
  vaultId: z.string(),
  items: z.number().int().nonnegative(),
  byCategory: z.record(z.string(), z.number().int().nonnegative()),
  files: z.number().int().nonnegative(),
  /** Bytes of file content as the person sees it (current versions). */
  logicalBytes: z.number().nonnegative(),
  /** Bytes the encrypted packs take on disk. */
  storedBytes: z.number().nonnegative(),
  packs: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  snapshots: z.number().int().nonnegative(),
  lastSnapshotAt: z.number().nullable(),
  tombstones: z.number().int().nonnegative(),
});
export type VaultStats = z.infer<typeof VaultStats>;

export const CheckSubset = z.string().regex(/^\d{1,6}\/\d{1,6}$/);

export const vaultMethods = {
  'vault.create': method({
    doc: 'Create a new vault protected by a passphrase; returns the recovery key, shown once for the Emergency Kit.',
    input: z.object({ passphrase: Passphrase }).strict(),
    output: z.object({ recoveryKey: z.string() }),
    needsVault: false,
  }),
  'vault.unlock': method({
    doc: 'Unlock the vault with the passphrase or the recovery key.',
    input: z.union([
      z.object({ passphrase: Passphrase }).strict(),
      z.object({ recoveryKey: z.string().min(10).max(200) }).strict(),
    ]),
    output: z.object({ state: VaultState }),
    needsVault: false,
  }),
  'vault.lock': method({
    doc: 'Lock the vault now: keys are dropped from memory and the index is closed.',
    input: z.object({}).strict(),
    output: z.object({ state: VaultState }),
    needsVault: false,
  }),
  'vault.stats': method({
    doc: 'How much the vault holds: items by category, files, bytes, packs, snapshots.',
    input: z.object({}).strict(),
    output: VaultStats,
  }),
  'vault.check': method({
    doc: 'Start a vault check as a job: structure only, or read and verify every chunk (optionally one slice n/N of the packs).',
    input: z.object({ readData: z.boolean().optional(), subset: CheckSubset.optional() }).strict(),
    output: JobInfo,
  }),
};

export const vaultEvents = {
  /** The vault was created, unlocked or locked. */
  'vault.changed': event('The vault was created, unlocked or locked.', z.object({ state: VaultState })),
};
