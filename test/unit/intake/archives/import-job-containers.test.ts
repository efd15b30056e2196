// Containers through the real import job into a real encrypted vault: a Takeout zip with a
// large entry (opened lazily by the vault in the job's LAST batch, after the importer has
// returned: see [Note: Staging lifetime]), both .ab fixtures, the photo fixtures and an
// iPhone-style folder are imported; a second run adds nothing; nothing is left in staging
// once the process's sweep runs.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Core } from '../../../../main/core/core';
import { runImport, type ImportControl } from '../../../../main/core/intake/import-job';
import { INLINE_ENTRY_BYTES } from '../../../../main/core/intake/archives/limits';
import { SWEEP_FINISHED_AFTER_MS, sweepStaging } from '../../../../main/core/intake/archives/staging';
import { silentLog } from '../../../../main/core/log';
import { Vault } from '../../../../main/core/vault/vault';
import { zipOf } from './zip-writer';

let dir: string;
let core: Core;
const control: ImportControl = { report() {}, async checkpoint() {} };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keepsake-import-containers-'));
  core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(core.dataFolder, 'correct horse battery staple', { fastKdfForTests: true })).vault;
});

afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

it('Takeout zip, adb backups and photos through the import job; idempotent; staging cleaned', async () => {
  const inputs = join(dir, 'in');
  mkdirSync(inputs);
  const F = '/work/shared/fixtures';
  const big = Buffer.alloc(INLINE_ENTRY_BYTES + 4096, 0x42);
  writeFileSync(
    join(inputs, 'takeout-001.zip'),
    zipOf([
      { name: 'Takeout/Contacts/All Contacts/All Contacts.vcf', data: readFileSync(join(F, 'contacts/ezvcard__gmail-list.vcf')) },
      { name: 'Takeout/Google Photos/Photos from 2018/IMG_20180725_163423.jpg', data: readFileSync(join(F, 'photos/exifr__IMG_20180725_163423-tiny.jpg')) },
      { name: 'Takeout/Drive/big-file.bin', data: big, method: 0 },
    ]),
  );
  copyFileSync(join(F, 'backups/bluec0re__test_nonenc_v3.ab'), join(inputs, 'plain.ab'));
  copyFileSync(join(F, 'photos/exifr__png_with_exif_and_gps.png'), join(inputs, 'canon.png'));
  const first = await runImport(core, [inputs], control);
  expect(first.internalErrors).toBe(0);
  expect(first.refusals).toEqual([]);
  const byName = (n: string) => first.files.find((f) => f.path.endsWith(n))!;
  expect(byName('takeout-001.zip')).toMatchObject({ status: 'imported', items: { contact: 3, photo: 1, file: 1 } });
  expect(byName('plain.ab')).toMatchObject({ status: 'imported', items: { file: 4 } });
  expect(byName('canon.png')).toMatchObject({ status: 'imported', items: { photo: 1 } });
  expect(first.totals).toEqual({ contact: 3, photo: 2, file: 5 });

  const second = await runImport(core, [inputs], control);
  expect(second.files.every((f) => f.status === 'duplicate')).toBe(true);
  expect(second.files.reduce((n, f) => n + f.added, 0)).toBe(0);

  // The job passes no ctx.defer, so finished areas wait for the sweep (or process exit).
  const base = join(core.dataFolder, 'staging');
  sweepStaging(base, Date.now() + SWEEP_FINISHED_AFTER_MS + 1000);
  expect(readdirSync(base)).toEqual([]);
});
