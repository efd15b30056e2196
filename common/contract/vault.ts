// vault.*: create, unlock and lock the encrypted vault.
import { z } from 'zod';
import { VaultState } from '../domain';
import { event, method } from './define';

/** Passphrases are checked for strength in the UI; the contract only bounds their size. */
export const Passphrase = z.string().min(1).max(1024);

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
};

export const vaultEvents = {
  /** The vault was created, unlocked or locked. */
  'vault.changed': event('The vault was created, unlocked or locked.', z.object({ state: VaultState })),
};
