// Conversation summaries for the Messages list (owned by main/core/library; 0700–0790).
// Grouping a million messages by address on every visit costs seconds even with an index
// (the address is a JSON expression, so the scan is not covering); instead one row per
// conversation — message count and latest time — is kept in step by triggers on items and
// filled once from what is already there. Applied by main/core/library/schema.ts.
import type { Migration } from './migration';

const ADDR = `json_extract(fields, '$.address')`;

export const libraryThreads: Migration = {
  version: 710,
  name: 'library-threads',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS lib_threads (
        address TEXT PRIMARY KEY,
        last_at INTEGER,
        count INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS lib_threads_recent ON lib_threads (coalesce(last_at, -1), address);
      DELETE FROM lib_threads;
      INSERT INTO lib_threads (address, last_at, count)
        SELECT coalesce(${ADDR}, ''), max(occurred_at), count(*) FROM items WHERE category = 'message' GROUP BY 1;
      CREATE TRIGGER IF NOT EXISTS lib_threads_insert AFTER INSERT ON items WHEN new.category = 'message' BEGIN
        INSERT INTO lib_threads (address, last_at, count) VALUES (coalesce(json_extract(new.fields, '$.address'), ''), new.occurred_at, 1)
          ON CONFLICT (address) DO UPDATE SET count = count + 1,
            last_at = CASE WHEN last_at IS NULL OR excluded.last_at > last_at THEN coalesce(excluded.last_at, last_at) ELSE last_at END;
      END;
      CREATE TRIGGER IF NOT EXISTS lib_threads_delete AFTER DELETE ON items WHEN old.category = 'message' BEGIN
        UPDATE lib_threads SET count = count - 1,
          last_at = (SELECT max(occurred_at) FROM items WHERE category = 'message' AND ${ADDR} = lib_threads.address)
          WHERE address = coalesce(json_extract(old.fields, '$.address'), '');
        DELETE FROM lib_threads WHERE count <= 0;
      END;
      CREATE TRIGGER IF NOT EXISTS lib_threads_update AFTER UPDATE OF fields, occurred_at ON items WHEN new.category = 'message' BEGIN
        UPDATE lib_threads SET count = count - 1 WHERE address = coalesce(json_extract(old.fields, '$.address'), '');
        INSERT INTO lib_threads (address, last_at, count) VALUES (coalesce(json_extract(new.fields, '$.address'), ''), new.occurred_at, 1)
          ON CONFLICT (address) DO UPDATE SET count = count + 1;
        UPDATE lib_threads SET last_at = (SELECT max(occurred_at) FROM items WHERE category = 'message' AND ${ADDR} = lib_threads.address)
          WHERE address IN (coalesce(json_extract(old.fields, '$.address'), ''), coalesce(json_extract(new.fields, '$.address'), ''));
        DELETE FROM lib_threads WHERE count <= 0;
      END;
    `);
  },
};
