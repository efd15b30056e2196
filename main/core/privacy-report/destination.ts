// Where a privacy report goes: a new folder "Keepsake data YYYY-MM-DD" inside the folder
// the person picked, never inside Keepsake's data folder (the report is their data in
// clear, and erasing or restoring the data folder must not touch it). The bundle is built
// in a hidden temporary folder beside it and renamed into place only when complete and
// checked, so a half-written report never sits under the final name.
import { existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import { TMP_SUFFIX } from '../recovery/atomic';

export interface Destination {
  /** The folder the person picked. */
  parent: string;
  /** The report folder, created by the final rename. */
  final: string;
  /** Where the bundle is written first (same parent, so the rename is atomic). */
  tmp: string;
}

/** The real path of `p`, following symlinks of its nearest existing ancestor. */
function realish(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  while (!existsSync(head)) {
    tail.unshift(basename(head));
    const up = dirname(head);
    if (up === head) break;
    head = up;
  }
  return join(realpathSync(head), ...tail);
}

function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !r.startsWith(sep) && !/^[A-Za-z]:/.test(r));
}

/** Refuses a folder inside (or equal to) the data folder; returns the absolute path. */
export function checkOutsideDataFolder(dir: string, dataFolder: string): string {
  if (!dir.trim()) throw new KeepsakeError('BAD_INPUT', 'Choose a folder for your data.');
  const picked = realish(dir);
  const data = realish(dataFolder);
  if (isInside(picked, data)) {
    throw new KeepsakeError('BAD_INPUT', `Choose a folder outside Keepsake's data folder (${data}): a copy in clear must not sit among the encrypted files.`);
  }
  return resolve(dir);
}

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Picks the report folder's name (never an existing one) and clears a stale temporary. */
export function prepareDestination(dir: string, dataFolder: string, at: number): Destination {
  const parent = checkOutsideDataFolder(dir, dataFolder);
  try {
    mkdirSync(parent, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new KeepsakeError('IO', `Keepsake cannot create the folder ${parent} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const stem = `Keepsake data ${day(at)}`;
  let name = stem;
  for (let n = 2; existsSync(join(parent, name)); n++) name = `${stem} (${n})`;
  // A temporary of that name is what an interrupted run left behind (one report runs at a time).
  const tmp = join(parent, `.${name}${TMP_SUFFIX}`);
  rmSync(tmp, { recursive: true, force: true });
  return { parent, final: join(parent, name), tmp };
}
