// One-off check (not a test): `fill DIR` imports the round-trip fixtures into a vault;
// `run DIR OUT` restores everything from it to OUT (precise, then again approximate to OUT-a),
// so bundles written by two versions of the writer can be compared file by file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Core } from '../../main/core/core';
import { silentLog } from '../../main/core/log';
import { runRecovery } from '../../main/core/recovery/recovery-job';
import { Vault } from '../../main/core/vault/vault';
import { FIXTURES, importPaths, PASS, quiet, TestClock, treeHashes } from '../../test/unit/recovery/helpers';

const f = (...p: string[]) => join(FIXTURES, ...p);
const SOURCES = [
  ...readdirSync(f('contacts')).map((n) => f('contacts', n)),
  ...readdirSync(f('calendar')).filter((n) => n.endsWith('.ics')).map((n) => f('calendar', n)),
  ...readdirSync(f('messages')).filter((n) => n.endsWith('.xml')).map((n) => f('messages', n)),
  ...readdirSync(f('email')).filter((n) => n.endsWith('.eml')).map((n) => f('email', n)),
  f('notes', 'keep_takeout'),
  f('notes', 'enex__yarle_test-noteWithLatLong.enex'),
  ...['exifr__IMG_20180725_163423-tiny.jpg', 'exifr__png_with_exif_and_gps.png', 'exifr__issue-exifr-4.jpg', 'exifr__heic-iphone7.heic'].map((n) => f('photos', n)),
];
const [mode, dir, out] = process.argv.slice(2);
const core = new Core({ dataFolder: join(dir!, 'data'), hostKind: 'cli', log: silentLog, clock: new TestClock() });
if (mode === 'fill') {
  core.vault = (await Vault.create(core.dataFolder, PASS, { fastKdfForTests: true })).vault;
  await importPaths(core, SOURCES);
} else {
  core.vault = await Vault.open(core.dataFolder, { passphrase: PASS }, { fastKdfForTests: true });
  for (const [precision, dest] of [['precise', out!], ['approximate', `${out}-a`]] as const) {
    const r = await runRecovery(core, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: dest }, location: { precision, expiresInMinutes: 60 } }, quiet);
    const h = treeHashes(dest);
    delete h['keepsake-recovery.json'];
    console.log(JSON.stringify({ precision, cats: r.categories.map((c) => [c.category, c.expected, c.written, c.verified, c.skipped.length, c.unsupported]), location: [r.location.shared, r.location.coarsened, r.location.removed, r.location.notes], files: h }));
  }
}
core.vault.close();
