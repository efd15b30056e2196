// The shape of one numbered schema migration and the ordered list of all of them.
// A migration runs inside a transaction together with the user_version bump.
import type { Db } from '../sql';
import { coreSchema } from './0010-core-schema';
import { searchIndex } from './0020-search-index';
import { fileCache } from './0030-file-cache';
import { privacyLedgers } from './0800-privacy-ledgers';
import { holdsAndRetention } from './0810-holds-and-retention';
import { recoveries } from './0900-recoveries';
import { watchFolders } from './0950-watch-folders';

export interface Migration {
  /** Equals the file's number (steps of 10) and becomes PRAGMA user_version. */
  version: number;
  name: string;
  up(db: Db): void;
}

export function allMigrations(): Migration[] {
  return [coreSchema, searchIndex, fileCache, privacyLedgers, holdsAndRetention, recoveries, watchFolders];
}
