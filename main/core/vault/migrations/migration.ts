// The shape of one numbered schema migration and the ordered list of all of them.
// A migration runs inside a transaction together with the user_version bump.
import type { Db } from '../sql';
import { coreSchema } from './0010-core-schema';
import { searchIndex } from './0020-search-index';
import { fileCache } from './0030-file-cache';
import { cloudSchema } from './0500-cloud';
import { devicePairings } from './0600-device-pairings';
import { pairingAttempts } from './0610-pairing-attempts';
import { deviceSync } from './0620-device-sync';
import { locationDrops } from './0630-location-drops';
import { restoreOffers } from './0640-restore-offers';
import { privacyLedgers } from './0800-privacy-ledgers';
import { holdsAndRetention } from './0810-holds-and-retention';
import { recoveries } from './0900-recoveries';
import { watchFolders } from './0950-watch-folders';
import { searchColumns } from './0960-search-columns';
import { cloudPackDigests } from './0980-cloud-pack-digests';
import { snapshotRows } from './0990-snapshot-rows';

export interface Migration {
  /** Equals the file's number (steps of 10) and becomes PRAGMA user_version. */
  version: number;
  name: string;
  up(db: Db): void;
}

export function allMigrations(): Migration[] {
  // 0500–0640 are idempotent (CREATE … IF NOT EXISTS) because the cloud and devices areas
  // also apply them on first use (ensureCloudSchema, ensureDeviceSchema); listing them
  // here makes their tables exist in every vault, so queries across areas (erasure
  // looking for paired phones) never meet a missing table. The library's 0700/0710 stay
  // with ensureLibrarySchema only: 0710 fills a summary table and must run exactly once.
  return [coreSchema, searchIndex, fileCache, cloudSchema, devicePairings, pairingAttempts, deviceSync, locationDrops, restoreOffers, privacyLedgers, holdsAndRetention, recoveries, watchFolders, searchColumns, cloudPackDigests, snapshotRows];
}
