// The desktop's long-lived device identity: made once per vault, its private key kept in
// the vault's index sealed under the 'device-identity' purpose key, its certificate and
// SHA-256 fingerprint readable for Settings and the pairing QR code.
import { KeepsakeError } from '../../../common/errors';
import { all, run, sql, type Db } from '../vault/sql';
import { makeSelfSignedIdentity, type Identity } from './certificate';
import { open, seal } from './seal';

const AAD = 'keepsake/device-identity/private-key/v1';

interface Row {
  cert_pem: string;
  fingerprint: string;
  key_sealed: Buffer;
  created_at: number;
}

export interface DesktopIdentity extends Identity {
  createdAt: number;
}

/** Loads the identity, creating it on first use. `identityKey` = purposeKey(master, 'device-identity'). */
export function loadOrCreateIdentity(db: Db, identityKey: Buffer, options: { name: string; now: number; bits?: number }): DesktopIdentity {
  const rows = all<Row>(db, sql`SELECT cert_pem, fingerprint, key_sealed, created_at FROM device_identity WHERE id = 1`);
  const row = rows[0];
  if (row) {
    const keyPem = open(identityKey, row.key_sealed, AAD).toString('utf8');
    return { keyPem, certPem: row.cert_pem, fingerprint: row.fingerprint, createdAt: row.created_at };
  }
  const made = makeSelfSignedIdentity(options.name, { now: new Date(options.now), ...(options.bits ? { bits: options.bits } : {}) });
  const sealed = seal(identityKey, Buffer.from(made.keyPem, 'utf8'), AAD);
  const changes = run(db, sql`INSERT OR IGNORE INTO device_identity (id, cert_pem, fingerprint, key_sealed, created_at) VALUES (1, ${made.certPem}, ${made.fingerprint}, ${sealed}, ${options.now})`).changes;
  if (changes === 0) {
    // Another connection made one first: use that, so the pinned fingerprint never changes.
    return loadOrCreateIdentity(db, identityKey, options);
  }
  return { ...made, createdAt: options.now };
}

/** The identity's public part only; null when none has been made yet. */
export function readIdentityFingerprint(db: Db): string | null {
  const row = all<{ fingerprint: string }>(db, sql`SELECT fingerprint FROM device_identity WHERE id = 1`)[0];
  return row?.fingerprint ?? null;
}

export function assertIdentityKey(key: Buffer): void {
  if (key.length !== 32) throw new KeepsakeError('INTERNAL', 'The device identity key has the wrong size.');
}
