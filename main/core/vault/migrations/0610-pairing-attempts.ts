// Devices: every pairing attempt and its outcome, so the guessing lockout survives a
// restart of the desktop (an attacker cannot reset the counter by crashing the app).
import type { Migration } from './migration';

export const pairingAttempts: Migration = {
  version: 610,
  name: 'pairing-attempts',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS pairing_attempts (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('paired', 'wrong', 'expired', 'replayed', 'locked', 'none-open'))
      );
      CREATE INDEX IF NOT EXISTS pairing_attempts_at ON pairing_attempts (at);
    `);
  },
};
