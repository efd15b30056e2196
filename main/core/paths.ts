// Where Keepsake keeps its data. KEEPSAKE_HOME wins for every host and command; otherwise
// the platform's app-data folder, the same one Electron's app.getPath('userData') uses.
import { mkdirSync, chmodSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDataFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KEEPSAKE_HOME) return resolve(env.KEEPSAKE_HOME);
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Keepsake');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Keepsake');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Keepsake');
  }
}

/** Creates a folder readable by its owner only (0700), tightening it if it exists. */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  return dir;
}
