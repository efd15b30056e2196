// The person's preferences as plain values, without zod: the settings file is read when
// every Core starts (each CLI command too), and validating it with the contract's zod
// schema loaded zod into commands that never need it (~60 ms CPU and ~15 MB at start).
// common/contract/settings.ts builds the IPC schema from the same bounds.
export interface Settings {
  /** Lock the vault after this many minutes without activity; 0 = never. */
  autoLockMinutes: number;
  /** Start the phone gateway whenever the vault is unlocked. */
  phoneGateway: boolean;
}

export const AUTO_LOCK_MAX_MINUTES = 24 * 60;

export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 15, phoneGateway: false };

/** The fields of `raw` that hold valid settings; anything else (unknown keys, bad values) is left out. */
export function validSettingsFields(raw: unknown): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  const r = raw as Record<string, unknown>;
  const minutes = r.autoLockMinutes;
  if (typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= 0 && minutes <= AUTO_LOCK_MAX_MINUTES) out.autoLockMinutes = minutes;
  if (typeof r.phoneGateway === 'boolean') out.phoneGateway = r.phoneGateway;
  return out;
}
