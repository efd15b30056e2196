// Files uploaded through the web host wait in <data>/staging/uploads/<batch>: the import
// of a batch is titled by what it holds ("Import 3 files", not the batch's hex name) and
// removes the batch when it is over — except while an encrypted backup in it waits for
// its password, so the retry can read it (and then removes it).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { importTitle, launchImport, stagedBatches } from '../../../main/core/intake/import-job';
import { silentLog } from '../../../main/core/log';
import { newUploadDir } from '../../../main/core/staging';
import { Vault } from '../../../main/core/vault/vault';
import { FIXTURES } from './records/helpers';

let dir: string;
let core: Core;
const saved = process.env.KEEPSAKE_AB_PASSWORD;

beforeEach(async () => {
  delete process.env.KEEPSAKE_AB_PASSWORD;
  dir = mkdtempSync(join(tmpdir(), 'keepsake-staged-'));
  core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'web', log: silentLog });
  core.vault = (await Vault.create(core.dataFolder, 'staged upload test passphrase', { fastKdfForTests: true })).vault;
});
afterEach(async () => {
  if (saved !== undefined) process.env.KEEPSAKE_AB_PASSWORD = saved;
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('staged uploads', () => {
  it('titles the job by its file count and removes the batch after the import', async () => {
    const batch = newUploadDir(core.dataFolder);
    copyFileSync(join(FIXTURES, 'contacts/ezvcard__gmail-list.vcf'), join(batch, 'gmail.vcf'));
    copyFileSync(join(FIXTURES, 'backups/bluec0re__test_nonenc_v3.ab'), join(batch, 'phone.ab'));
    copyFileSync(join(FIXTURES, 'photos/exifr__IMG_20180725_163423-tiny.jpg'), join(batch, 'IMG.jpg'));
    const { info, result } = launchImport(core, [batch]);
    expect(info.title).toBe('Import 3 files');
    const outcome = await result;
    expect(outcome.files.map((f) => f.status)).toEqual(['imported', 'imported', 'imported']);
    await new Promise((r) => setImmediate(r)); // removal runs right after the result settles
    expect(existsSync(batch)).toBe(false);
  }, 60_000);

  it('keeps a batch whose backup needs a password until the retry, then removes it', async () => {
    const batch = newUploadDir(core.dataFolder);
    copyFileSync(join(FIXTURES, 'backups/bluec0re__test_aes256_pw-test_v3.ab'), join(batch, 'phone.ab'));
    const first = await launchImport(core, [batch]).result;
    expect(first.files[0]).toMatchObject({ status: 'refused', needsPassword: true });
    await new Promise((r) => setImmediate(r));
    expect(existsSync(join(batch, 'phone.ab'))).toBe(true);
    const retry = await launchImport(core, [batch], { password: 'test' }).result;
    expect(retry.files[0]?.status).toBe('imported');
    await new Promise((r) => setImmediate(r));
    expect(existsSync(batch)).toBe(false);
  }, 60_000);

  it('names other imports as before, and leaves paths outside staging alone', () => {
    expect(importTitle(['/home/a/contacts.vcf'], false)).toBe('Import contacts.vcf');
    expect(importTitle(['/a', '/b'], false)).toBe('Import 2 files and folders');
    expect(importTitle(['/x/staging/uploads/0123456789abcdef/a.vcf', '/x/staging/uploads/0123456789abcdef/b.vcf'], true)).toBe('Import 2 files');
    expect(stagedBatches(core, [join(dir, 'elsewhere.vcf')])).toEqual([]);
  });
});
