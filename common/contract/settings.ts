// settings.*: the person's preferences (not secrets, not personal data).
import { z } from 'zod';
import { method } from './define';

export const Settings = z.object({
  /** Lock the vault after this many minutes without activity; 0 = never. */
  autoLockMinutes: z.number().int().min(0).max(24 * 60),
  /** Start the phone gateway whenever the vault is unlocked. */
  phoneGateway: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 15, phoneGateway: false };

export const settingsMethods = {
  'settings.get': method({ doc: 'The current preferences.', input: z.object({}).strict(), output: Settings, needsVault: false }),
  'settings.update': method({
    doc: 'Change some preferences; returns all of them.',
    input: Settings.partial().strict(),
    output: Settings,
    needsVault: false,
  }),
};
