// Preferences in <data>/settings.json: validated on read (a damaged file falls back to the
// defaults rather than stopping the app) and written atomically, owner-only.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, Settings } from '../../common/contract/settings';

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
    const next = Settings.parse({ ...this.current, ...definedOnly(patch) });
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
      const parsed = Settings.partial().safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return Settings.parse({ ...DEFAULT_SETTINGS, ...(parsed.success ? definedOnly(parsed.data) : {}) });
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
