// Identities made with node-forge must always parse in Node's OpenSSL (X509Certificate,
// TLS): 200 serial numbers in a row are valid minimal DER, and a full identity round-trips
// its fingerprint. (An earlier serial scheme made an illegal DER integer one time in 256.)
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { displayFingerprint, fingerprintOfPem, makeSelfSignedIdentity, randomSerial } from '../../../main/core/devices/certificate';

describe('device certificates', () => {
  it('serials are positive and minimally encoded', () => {
    for (let i = 0; i < 200; i++) {
      const s = randomSerial();
      expect(s).toMatch(/^[0-7][0-9a-f]{31}$/);
      expect(s.startsWith('00')).toBe(false);
    }
  });

  it('an identity parses in OpenSSL and its fingerprint is the DER SHA-256', () => {
    const id = makeSelfSignedIdentity('Keepsake test', { bits: 2048 });
    const x = new X509Certificate(id.certPem);
    expect(x.subject).toContain('CN=Keepsake test');
    expect(fingerprintOfPem(id.certPem)).toBe(id.fingerprint);
    expect(displayFingerprint(id.fingerprint)).toBe(x.fingerprint256);
    expect(x.checkPrivateKey(createPrivateKey(id.keyPem))).toBe(true);
  });
});
