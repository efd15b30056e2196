// RELIABILITY row 20 / audit item 30: the safeStorage KeyStore fails closed. Driven with
// an injected safeStorage double that behaves like each backend (sealing is a real
// AES-GCM so a wrong backend really fails or returns garbage).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../../common/errors';
import { SafeStorageKeyStore, type SafeStorageLike } from '../../../main/electron/safe-storage-key-store';

function backend(name: string, available = true, key = randomBytes(32)): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => name,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(sealed) {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isKeepsakeError(e) ? e.code : `not a KeepsakeError: ${String(e)}`;
  }
  return 'no error';
}

describe('SafeStorageKeyStore (row 20)', () => {
  it('round-trips arbitrary key bytes through a real keychain backend', () => {
    const store = new SafeStorageKeyStore(backend('gnome_libsecret'), 'linux');
    const key = randomBytes(32);
    const sealed = store.encrypt(key);
    expect(sealed.includes(key)).toBe(false);
    expect(store.decrypt(sealed).equals(key)).toBe(true);
    expect(store.isAvailable()).toBe(true);
    expect(store.backendId()).toBe('linux:gnome_libsecret');
  });

  it('treats isEncryptionAvailable() = false as unavailable and refuses to seal', () => {
    const store = new SafeStorageKeyStore(backend('kwallet6', false), 'linux');
    expect(store.isAvailable()).toBe(false);
    expect(code(() => store.encrypt(Buffer.alloc(32)))).toBe('UNSUPPORTED');
  });

  it("treats Linux 'basic_text' (a hard-coded password) and 'unknown' as unavailable, never plaintext in disguise", () => {
    for (const name of ['basic_text', 'unknown']) {
      const store = new SafeStorageKeyStore(backend(name), 'linux');
      expect(store.isAvailable(), name).toBe(false);
      expect(code(() => store.encrypt(Buffer.alloc(32))), name).toBe('UNSUPPORTED');
      expect(code(() => store.decrypt(Buffer.alloc(40))), name).toBe('UNSUPPORTED');
    }
  });

  it('names the backend so a switch (kwallet6 → gnome_libsecret) can be detected', () => {
    expect(new SafeStorageKeyStore(backend('kwallet6'), 'linux').backendId()).not.toBe(new SafeStorageKeyStore(backend('gnome_libsecret'), 'linux').backendId());
    expect(new SafeStorageKeyStore(backend('n/a'), 'darwin').backendId()).toBe('darwin:keychain');
    expect(new SafeStorageKeyStore(backend('n/a'), 'win32').backendId()).toBe('win32:dpapi');
  });

  it('a changed backend fails to decrypt with an error, and never yields a different key', () => {
    const before = new SafeStorageKeyStore(backend('kwallet6'), 'linux');
    const sealed = before.encrypt(randomBytes(32));
    const after = new SafeStorageKeyStore(backend('kwallet6'), 'linux'); // same name, new secret
    expect(() => after.decrypt(sealed)).toThrow();
  });

  it('refuses garbage that "decrypts" (the Flatpak case) instead of using it as a key', () => {
    const lying: SafeStorageLike = { ...backend('gnome_libsecret'), decryptString: () => '\u0000\u0001 not base64 at all' };
    expect(code(() => new SafeStorageKeyStore(lying, 'linux').decrypt(Buffer.alloc(40)))).toBe('CORRUPT');
  });
});
