// KeyStore adapter over Electron's safeStorage (the OS keychain: macOS Keychain, Windows
// DPAPI, libsecret/kwallet on Linux). Fail closed: when no trustworthy backend exists —
// including Linux 'basic_text', which "encrypts" with a hard-coded password — the store
// reports unavailable and refuses to seal anything, so core never writes a key slot that
// is plaintext in disguise (RELIABILITY row 20, audit item 30). backendId() names the
// backend so core can detect a switch (kwallet6 → gnome_libsecret) and refuse it.
import { KeepsakeError } from '../../common/errors';
import type { KeyStore } from '../core/ports';

/** The slice of Electron's safeStorage this adapter uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export class SafeStorageKeyStore implements KeyStore {
  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  backendId(): string {
    if (this.platform === 'linux') return `linux:${this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown'}`;
    return this.platform === 'darwin' ? 'darwin:keychain' : this.platform === 'win32' ? 'win32:dpapi' : `${this.platform}:os`;
  }

  isAvailable(): boolean {
    if (!this.safeStorage.isEncryptionAvailable()) return false;
    if (this.platform === 'linux') {
      const backend = this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      return backend !== 'basic_text' && backend !== 'unknown';
    }
    return true;
  }

  encrypt(plain: Buffer): Buffer {
    this.requireAvailable();
    // safeStorage seals strings; base64 keeps arbitrary key bytes intact through it.
    return this.safeStorage.encryptString(plain.toString('base64'));
  }

  decrypt(sealed: Buffer): Buffer {
    this.requireAvailable();
    const text = this.safeStorage.decryptString(sealed);
    // A different backend (the Flatpak case) can "decrypt" to garbage instead of failing:
    // anything that is not the base64 we wrote is refused, never used as a key.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new KeepsakeError('CORRUPT', 'The OS keychain returned something that is not a Keepsake key. Unlock with your passphrase or recovery key instead.');
    }
    return Buffer.from(text, 'base64');
  }

  private requireAvailable(): void {
    if (!this.isAvailable()) throw new KeepsakeError('UNSUPPORTED', `No trustworthy OS keychain is available on this computer (${this.backendId()}), so Keepsake will not store a key there.`);
  }
}
