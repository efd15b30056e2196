// TEST DOUBLE of the KeyStore port (stands in for Electron safeStorage in unit tests):
// seals with AES-256-GCM under a fixed test key. Switches let a test make the keychain
// unavailable, change its backend id, or return a different value (the Flatpak case).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyStore } from '../../../main/core/ports';

export class TestDoubleKeyStore implements KeyStore {
  available = true;
  backend = 'test-double/gnome_libsecret';
  /** When set, decrypt() returns this instead of the real plaintext. */
  decryptOverride: Buffer | null = null;
  encryptCalls = 0;
  private readonly key: Buffer;

  constructor(key: Buffer = Buffer.alloc(32, 0x5a)) {
    this.key = key;
  }

  isAvailable(): boolean {
    return this.available;
  }

  backendId(): string {
    return this.backend;
  }

  encrypt(plain: Buffer): Buffer {
    this.encryptCalls++;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    return Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
  }

  decrypt(sealed: Buffer): Buffer {
    if (this.decryptOverride) return Buffer.from(this.decryptOverride);
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
  }
}
