// Self-signed X.509 identities for both ends of the device link, made with node-forge
// (ARCHITECTURE §3: node-forge for PKI, node:crypto for bulk crypto). forge cannot make
// Ed25519 certificates, so identities are RSA; forge hands key generation to Node's
// native generateKeyPairSync, so RSA-3072 takes well under a second (docs/devices.md).
// Trust never comes from the certificate's contents: each side pins the other's SHA-256
// fingerprint, so names and validity dates are informational only.
import { X509Certificate, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export const IDENTITY_KEY_BITS = 3072;

export interface Identity {
  keyPem: string;
  certPem: string;
  /** SHA-256 of the certificate DER, lower-case hex without separators. */
  fingerprint: string;
}

/** Makes a fresh RSA key and a self-signed certificate valid for `years`. */
export function makeSelfSignedIdentity(commonName: string, options: { bits?: number; years?: number; now?: Date } = {}): Identity {
  const keys = forge.pki.rsa.generateKeyPair({ bits: options.bits ?? IDENTITY_KEY_BITS, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  const now = options.now ?? new Date();
  // Back-date a day so a device whose clock runs a little behind still accepts it.
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + (options.years ?? 20) * 365 * 24 * 3600 * 1000);
  const attrs = [{ name: 'commonName', value: commonName.slice(0, 64) }, { name: 'organizationName', value: 'Keepsake' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { keyPem: forge.pki.privateKeyToPem(keys.privateKey), certPem, fingerprint: fingerprintOfPem(certPem) };
}

/**
 * 16 random bytes as a positive, minimally encoded DER INTEGER: top bit clear (positive)
 * and first byte non-zero (a leading 0x00 before a byte < 0x80 is illegal DER, which
 * OpenSSL rejects as "illegal padding").
 */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b.toString('hex');
}

/** SHA-256 fingerprint of a PEM certificate, lower-case hex. */
export function fingerprintOfPem(certPem: string): string {
  return normalizeFingerprint(new X509Certificate(certPem).fingerprint256);
}

/** "AB:CD:…" (Node's peer-certificate form) → "abcd…". */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/:/g, '').toLowerCase();
}

/** "abcd…" → "AB:CD:…" in groups, for people comparing fingerprints by eye (Settings). */
export function displayFingerprint(fp: string): string {
  return (fp.toUpperCase().match(/.{2}/g) ?? []).join(':');
}
