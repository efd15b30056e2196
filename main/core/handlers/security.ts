// security.* handlers: thin adapters from the contract to the keys module and the
// re-verification service. Key changes need a fresh identity confirmation first.
import { isAbsolute } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import { identityFreshUntil, requireFreshIdentity, verifyIdentity } from '../security/reverify';
import { openVaultKeys } from '../security/vault-keys';
import { emergencyKitHtml, writeEmergencyKitPdf } from '../vault/keys/emergency-kit';
import { qrSvg } from '../vault/keys/kit-qr';
import { canonicalRecoveryKey } from '../vault/keys/recovery-key';
import { clearKitVerified, recordKitVerified } from '../security/kit-check';
import { changePassphrase, drillRecoveryKey, listKeySlots, rotateRecoveryKey, setKeychainSlot } from '../vault/keys/slot-admin';
import type { DomainHandlers } from './types';

export const securityHandlers: DomainHandlers<'security'> = {
  'security.verifyIdentity': async ({ passphrase }, core) => verifyIdentity(core, passphrase),

  'security.identityStatus': async (_input, core) => {
    const freshUntil = identityFreshUntil(core);
    return { fresh: freshUntil !== null, freshUntil };
  },

  'security.changePassphrase': async ({ newPassphrase }, core) => {
    requireFreshIdentity(core);
    const { layout, masterKey } = openVaultKeys(core);
    await changePassphrase(layout, masterKey, newPassphrase);
    core.log.info('security.passphrase.changed', {});
    return { ok: true as const };
  },

  'security.rotateRecoveryKey': async (_input, core) => {
    requireFreshIdentity(core);
    const { layout, masterKey } = openVaultKeys(core);
    const { vaultId } = await listKeySlots(layout, masterKey);
    const { recoveryKey } = await rotateRecoveryKey(layout, masterKey);
    const vault = core.vault;
    if (vault) await vault.afterWrites(() => clearKitVerified(vault.indexDb)); // the new kit has not been tested yet; in turn with the vault's writes (storage worker)
    core.log.info('security.recoveryKey.rotated', {});
    return { recoveryKey, kitHtml: emergencyKitHtml({ recoveryKey, vaultId }), qrSvg: qrSvg(recoveryKey) };
  },

  'security.slots': async (_input, core) => {
    const { layout, masterKey } = openVaultKeys(core);
    const { vaultId, slots } = await listKeySlots(layout, masterKey);
    return { vaultId, slots, keychainAvailable: core.keyStore.isAvailable() };
  },

  'security.setKeychain': async ({ enabled }, core) => {
    requireFreshIdentity(core);
    const { layout, masterKey } = openVaultKeys(core);
    const result = await setKeychainSlot(layout, masterKey, core.keyStore, enabled);
    core.log.info('security.keychain.set', { enabled: result.enabled });
    return result;
  },

  'security.drillRecoveryKey': async ({ recoveryKey }, core) => {
    const { layout, masterKey } = openVaultKeys(core);
    const ok = await drillRecoveryKey(layout, masterKey, recoveryKey);
    const vault = core.vault;
    if (vault) await vault.afterWrites(() => recordKitVerified(vault.indexDb, core.clock.now())); // in turn with the vault's writes (storage worker)
    return ok;
  },

  'security.kitPdf': async ({ recoveryKey, path }, core) => {
    if (!isAbsolute(path)) throw new KeepsakeError('BAD_INPUT', 'Choose a full path (a folder and a file name) for the Emergency Kit.');
    const { layout, masterKey } = openVaultKeys(core);
    // Never print a kit that would not open this vault.
    await drillRecoveryKey(layout, masterKey, recoveryKey);
    const { vaultId } = await listKeySlots(layout, masterKey);
    await writeEmergencyKitPdf(path, { recoveryKey: canonicalRecoveryKey(recoveryKey), vaultId });
    return { path };
  },
};
