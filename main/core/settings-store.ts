// Preferences in <data>/settings.json: validated on read (a damaged file or field falls back
// to the defaults rather than stopping the app) and written atomically, owner-only. Plain
// checks (common/settings-values.ts), not the contract's zod schema: every Core reads this
// file at start, and most CLI commands never load zod otherwise.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KeepsakeError } from '../../common/errors';
import { DEFAULT_SETTINGS, validSettingsFields, type Settings } from '../../common/settings-values';

export class SettingsStore {
  private current: Settings;
  private readonly file: string;

  constructor(dataFolder: string) {
    this.file = join(dataFolder, 'settings.json');
    this.current = this.load();
  }

  get(): Settings {
    return { ...this.current };
  }

  update(patch: { [K in keyof Settings]?: Settings[K] | undefined }): Settings {
    const given = definedOnly(patch);
    const valid = validSettingsFields(given);
    const refused = Object.keys(given).filter((k) => !(k in valid));
    if (refused.length) throw new KeepsakeError('BAD_INPUT', `These settings have values Keepsake cannot use: ${refused.join(', ')}.`);
    const next: Settings = { ...this.current, ...valid };
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(next, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.current = next;
    return this.get();
  }

  private load(): Settings {
    try {
      return { ...DEFAULT_SETTINGS, ...validSettingsFields(JSON.parse(readFileSync(this.file, 'utf8'))) };
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
