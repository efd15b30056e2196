// RELIABILITY row 42, the vault half: a fresh profile with no passphrase and no keychain
// restores a backup bit for bit with only the recovery key; after rotation the old key
// opens nothing, the new one does. (The cloud half belongs to the cloud mirror's tests.)
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateRecoveryKey } from '../../../main/core/vault/keys/slot-admin';
import { Vault } from '../../../main/core/vault/vault';
import { FAST } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'keepsake-recovery-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('recovery-key path', () => {
  it('restores with only the recovery key, and the old key stops working after rotation', async () => {
    const data = join(root, 'data');
    const source = join(root, 'phone');
    mkdirSync(join(source, 'DCIM'), { recursive: true });
    const photo = randomBytes(300_000);
    writeFileSync(join(source, 'DCIM', 'IMG_0001.JPG'), photo);
    writeFileSync(join(source, 'notes.txt'), 'buy milk\n');

    const { vault, recoveryKey } = await Vault.create(data, 'forgotten passphrase', FAST);
    await vault.backupFolder(source);
    vault.close();

    // "New profile": nothing but the data folder and the kit. No passphrase, no keychain.
    const byKit = await Vault.open(data, { recoveryKey: recoveryKey.toLowerCase() }, FAST);
    const out = join(root, 'restored');
    await byKit.restoreSnapshot('latest', out);
    expect(readFileSync(join(out, 'DCIM', 'IMG_0001.JPG')).equals(photo)).toBe(true);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('buy milk\n');

    const { recoveryKey: newKey } = await rotateRecoveryKey(byKit.layout, byKit.masterKey);
    byKit.close();
    await expect(Vault.open(data, { recoveryKey }, FAST)).rejects.toThrowError(expect.objectContaining({ code: 'WRONG_PASSPHRASE' }));
    const again = await Vault.open(data, { recoveryKey: newKey }, FAST);
    again.close();
    // No back door: without the passphrase or a current recovery key nothing opens it.
    await expect(Vault.open(data, { passphrase: 'guess' }, FAST)).rejects.toThrowError(expect.objectContaining({ code: 'WRONG_PASSPHRASE' }));
  });
});
