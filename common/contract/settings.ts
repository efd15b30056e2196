// settings.*: the person's preferences (not secrets, not personal data).
import * as z from 'zod';
import { AUTO_LOCK_MAX_MINUTES, type Settings as SettingsValues } from '../settings-values';
import { method } from './define';

/** The IPC schema of common/settings-values.ts's Settings (same fields, same bounds). */
export const Settings = z.object({
  /** Lock the vault after this many minutes without activity; 0 = never. */
  autoLockMinutes: z.number().int().min(0).max(AUTO_LOCK_MAX_MINUTES),
  /** Start the phone gateway whenever the vault is unlocked. */
  phoneGateway: z.boolean(),
}) satisfies z.ZodType<SettingsValues>;
export type Settings = z.infer<typeof Settings>;

export const settingsMethods = {
  'settings.get': method({ doc: 'The current preferences.', input: z.object({}).strict(), output: Settings, needsVault: false }),
  'settings.update': method({
    doc: 'Change some preferences; returns all of them.',
    input: Settings.partial().strict(),
    output: Settings,
    needsVault: false,
  }),
};
