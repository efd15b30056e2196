// Finds the Electron executable the `electron` npm package would run, WITHOUT requiring
// that package: require('electron') tries to download a missing binary as a side effect,
// which blocks on machines without network. Used by `npm start` and the Electron test lane.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * @returns {{ path: string } | { path: null, reason: string }}
 */
export function findElectronBinary(env = process.env) {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the "electron" npm package itself is missing' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(candidate) ? { path: candidate } : { path: null, reason: `no executable at ${candidate}, where ELECTRON_OVERRIDE_DIST_PATH points` };
  }
  if (!relative) return { path: null, reason: 'node_modules/electron has no downloaded binary' };
  const full = join(pkgDir, 'dist', relative);
  return existsSync(full) ? { path: full } : { path: null, reason: `${full} is missing` };
}

/** The directory of the electron package (for its install.js), or null. */
export function electronPackageDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}
