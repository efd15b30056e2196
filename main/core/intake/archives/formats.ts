// The registry entries for containers: zip (Google Takeout and any zip), tgz, Android
// backups (.ab), Xiaomi/MIUI backups (.bak), and iPhone backups (the folder, or its
// Manifest.db). [Note: Container options] The import job hands importers only (input,
// ctx); a context that also carries `dataFolder` (for the staging area) and `password`
// (for encrypted .ab) is honoured, otherwise KEEPSAKE_HOME and KEEPSAKE_AB_PASSWORD are used;
// `defer` lets the caller remove the staging area once it has stored every item.
import { join } from 'node:path';
import type { FolderFormatSpec, FormatSpec, ImportContext, Importer } from '../types';
import { androidBackupImporter, miuiBackupImporter, tgzImporter, zipImporter, type ContainerOptions } from './containers';
import { fileInput } from './inputs';
import { importIosBackup, iosBackupImporter, isIosBackupFolder } from './ios-backup';

export interface ContainerContext extends ImportContext {
  dataFolder?: string;
  password?: string;
  /** Runs the cleanup once every yielded item has been stored (the staging area's removal). */
  defer?(cleanup: () => void): void;
}

/** An importer that reads its options from the context on each call. */
function withContextOptions(make: (o: ContainerOptions) => Importer): Importer {
  return (input, ctx) => {
    const c = ctx as ContainerContext;
    return make({ ...(c.dataFolder ? { dataFolder: c.dataFolder } : {}), ...(c.password !== undefined ? { password: c.password } : {}) })(input, ctx);
  };
}

const lower = (name: string): string => name.toLowerCase();
const NOT_ARCHIVES = /\.(docx|xlsx|pptx|odt|ods|odp|apk|aab|jar|epub|bear2bk|ipa|kmz)$/i;

export const zipFormat: FormatSpec = {
  id: 'zip',
  label: 'Zip archives (Google Takeout and others)',
  extensions: ['zip'],
  categories: ['photo', 'video', 'contact', 'event', 'email', 'note', 'file'],
  sniff: (head, name) => (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304 && !NOT_ARCHIVES.test(name) ? 'yes' : lower(name).endsWith('.zip') ? 'maybe' : 'no'),
  importer: withContextOptions(zipImporter),
};

export const tgzFormat: FormatSpec = {
  id: 'tgz',
  label: 'Compressed tar archives (.tgz, Google Takeout)',
  extensions: ['tgz', 'tar.gz'],
  categories: ['photo', 'video', 'contact', 'event', 'email', 'note', 'file'],
  sniff: (head, name) => (/\.(tgz|tar\.gz)$/i.test(name) ? (head[0] === 0x1f && head[1] === 0x8b ? 'yes' : 'maybe') : 'no'),
  importer: withContextOptions(tgzImporter),
};

export const androidBackupFormat: FormatSpec = {
  id: 'android-backup',
  label: 'Android backups (adb backup .ab, plain or password-protected)',
  extensions: ['ab'],
  categories: ['message', 'call', 'contact', 'photo', 'file'],
  sniff: (head, name) => (head.toString('latin1', 0, 15) === 'ANDROID BACKUP\n' ? 'yes' : lower(name).endsWith('.ab') ? 'maybe' : 'no'),
  importer: withContextOptions(androidBackupImporter),
};

export const miuiBackupFormat: FormatSpec = {
  id: 'miui-backup',
  label: 'Xiaomi/MIUI local backups (.bak)',
  extensions: ['bak'],
  categories: ['message', 'call', 'contact', 'photo', 'file'],
  sniff: (head) => (head.toString('latin1', 0, 12) === 'MIUI BACKUP\n' ? 'yes' : 'no'),
  importer: withContextOptions(miuiBackupImporter),
};

export const iosManifestFormat: FormatSpec = {
  id: 'ios-backup-manifest',
  label: 'iPhone backup (its Manifest.db)',
  extensions: [],
  categories: ['message', 'contact', 'event', 'note', 'photo', 'video', 'file'],
  sniff: (head, name) => (name.split(/[\\/]/).pop() === 'Manifest.db' && head.toString('latin1', 0, 16) === 'SQLite format 3\u0000' ? 'yes' : 'no'),
  importer: iosBackupImporter,
};

export const iosBackupFolderFormat: FolderFormatSpec = {
  id: 'ios-backup',
  label: 'iPhone/Finder/iTunes backup folder (unencrypted)',
  categories: ['message', 'contact', 'event', 'note', 'photo', 'video', 'file'],
  claims: async (dir) => isIosBackupFolder(dir),
  importer: (dir, ctx) => importIosBackup(fileInput(join(dir, 'Manifest.db'), dir, () => null), ctx, dir),
};

export const containerFormats: FormatSpec[] = [zipFormat, tgzFormat, androidBackupFormat, miuiBackupFormat, iosManifestFormat];
