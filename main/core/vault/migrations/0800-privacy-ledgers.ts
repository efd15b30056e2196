// The privacy ledgers: consent records and erasure/export receipts. Both are append-only
// and hash-chained (each row's MAC covers the previous row's MAC), so an edited, deleted or
// reordered row is found by `keepsake consent verify` / receipt verification. Triggers
// refuse UPDATE and DELETE so even a bug in Keepsake cannot rewrite history.
import type { Migration } from './migration';

export const privacyLedgers: Migration = {
  version: 800,
  name: 'privacy-ledgers',
  up(db) {
    db.exec(`
      CREATE TABLE consent_records (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        at INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('granted', 'withdrawn', 'dropped')),
        subject TEXT NOT NULL,
        purpose TEXT NOT NULL,
        recipient TEXT NOT NULL,
        precision TEXT NOT NULL CHECK (precision IN ('precise', 'approximate', 'none')),
        expires_at INTEGER,
        notice_version TEXT NOT NULL,
        notice_hash TEXT NOT NULL,
        refers_to TEXT,
        details TEXT NOT NULL DEFAULT '{}',
        prev_mac BLOB NOT NULL,
        mac BLOB NOT NULL
      );
      CREATE INDEX consent_records_subject ON consent_records (subject, purpose, recipient, seq);
      CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
        BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
      CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
        BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

      CREATE TABLE receipts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        prev_mac BLOB NOT NULL,
        mac BLOB NOT NULL,
        UNIQUE (id, revision)
      );
      CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
      CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
    `);
  },
};
