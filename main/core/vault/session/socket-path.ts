// Where a CLI session's socket lives: one owner-only (0700) directory per user —
// $XDG_RUNTIME_DIR/keepsake/ when set, else keepsake-<uid> under the temp folder — and in
// it one socket per vault, named from a hash of the data folder's real path, so two
// vaults (or two spellings of one folder's path) never share or split a session.
// The directory is checked, not trusted: on a shared /tmp someone else could have made
// it first, so a directory we do not own, that others can enter, or that is a symlink
// is refused.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KeepsakeError } from '../../../../common/errors';

/** The data folder as the session knows it: its real path (symlinks and `..` resolved). */
export function canonicalFolder(dataFolder: string): string {
  try {
    return realpathSync(dataFolder);
  } catch {
    return resolve(dataFolder);
  }
}

function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

export function sessionDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime ? join(runtime, 'keepsake') : join(tmpdir(), `keepsake-${uid()}`);
}

export function socketPathFor(dataFolder: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(canonicalFolder(dataFolder)).digest('hex').slice(0, 24); // 96 bits: no collisions, and short enough for macOS's 104-byte socket paths
  return join(sessionDir(env), `${hash}.sock`);
}

/** Throws unless `dir` is a real directory owned by this user with no access for others. */
export function checkSessionDir(dir: string): void {
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid() || (st.mode & 0o077) !== 0) {
    throw new KeepsakeError('FORBIDDEN', `The session folder ${dir} is not private to you (it must be your own directory with mode 0700). Remove it and try again.`);
  }
}

/** Sessions rely on Unix sockets guarded by an owner-only folder; Windows has no such folder mode. */
export const sessionsSupported = process.platform !== 'win32';

/** Makes the session directory (0700) if needed and checks it. */
export function ensureSessionDir(env: NodeJS.ProcessEnv = process.env): string {
  if (!sessionsSupported) throw new KeepsakeError('UNSUPPORTED', 'CLI sessions are not available on Windows yet: every command asks for the passphrase.');
  const dir = sessionDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkSessionDir(dir);
  return dir;
}
