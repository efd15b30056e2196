// Xiaomi/MIUI local backups (.bak). No public sample of a MIUI backup exists, so the
// fixture is BUILT HERE from a real adb backup in /work/shared/fixtures/backups: the
// five-line MIUI header (MIUI BACKUP / version / package / label / size) followed by the
// unchanged .ab bytes, with a descript.xml beside it — the layout described in the
// fixtures README.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { miuiBackupImporter } from '../../../../main/core/intake/archives/containers';
import { bufferInput, fileInput } from '../../../../main/core/intake/archives/inputs';
import { readMiuiHeader } from '../../../../main/core/intake/archives/miui';
import { runImporter, tempDataFolder } from './helpers';

const AB = readFileSync('/work/shared/fixtures/backups/bluec0re__test_nonenc_v3.ab');
const ENC = readFileSync('/work/shared/fixtures/backups/bluec0re__test_aes256_pw-test_v3.ab');
const header = (pkg: string, label: string) => Buffer.from(`MIUI BACKUP\n2\n${pkg}\n${label}\n-1\n`);

let data: ReturnType<typeof tempDataFolder>;
beforeEach(() => {
  data = tempDataFolder();
});
afterEach(() => data.cleanup());

describe('MIUI .bak', () => {
  it('reads the header and the Android backup behind it; descript.xml names the device', async () => {
    writeFileSync(join(data.inputs, 'eu.bluec0re.android-backup.bak'), Buffer.concat([header('eu.bluec0re.android-backup', 'Backup test'), AB]));
    writeFileSync(join(data.inputs, 'descript.xml'), '<?xml version="1.0" encoding="UTF-8"?><MIUI-backup><bakVersion>2</bakVersion><device>cepheus</device><miuiVersion>V12.0.5.0</miuiVersion></MIUI-backup>');
    const r = await runImporter(miuiBackupImporter({ dataFolder: data.dir }), fileInput(join(data.inputs, 'eu.bluec0re.android-backup.bak')));
    expect(r.error).toBeUndefined();
    expect(r.items).toHaveLength(4);
    const manifest = r.items.find((i) => String(i.fields.path).endsWith('_manifest'))!;
    expect(manifest.fields).toMatchObject({ package: 'eu.bluec0re.android-backup', versionCode: 6, miui: { package: 'eu.bluec0re.android-backup', label: 'Backup test', device: 'cepheus', miuiVersion: 'V12.0.5.0' } });
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('an encrypted stream inside a .bak uses the same password rules', async () => {
    const bak = Buffer.concat([header('com.android.providers.telephony', 'Messaging'), ENC]);
    const ok = await runImporter(miuiBackupImporter({ dataFolder: data.dir, password: 'test' }), bufferInput('sms.bak', bak));
    expect(ok.items).toHaveLength(4);
    const wrong = await runImporter(miuiBackupImporter({ dataFolder: data.dir, password: 'nope' }), bufferInput('sms.bak', bak));
    expect(wrong.error).toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('header parsing: extra header lines are tolerated; a header without a backup is CORRUPT; others UNSUPPORTED', () => {
    const h = readMiuiHeader(Buffer.concat([Buffer.from('MIUI BACKUP\n2\ncom.x\nX\n-1\nextra\n'), AB.subarray(0, 64)]));
    expect(h).toMatchObject({ version: '2', packageName: 'com.x', label: 'X' });
    expect(AB.toString('latin1', 0, 14)).toBe('ANDROID BACKUP');
    expect(() => readMiuiHeader(Buffer.from('MIUI BACKUP\n2\ncom.x\nX\n-1\n'))).toThrow(/no Android backup data/);
    expect(() => readMiuiHeader(AB)).toThrow(/not a Xiaomi/);
  });
});
