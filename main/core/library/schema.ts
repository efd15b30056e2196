// Applies the library's own migrations (0700–0790) to an open vault index, tracked by
// meta 'library_schema' rather than PRAGMA user_version (whose number belongs to the
// vault's list: bumping it would make the vault call its own index "from a newer version").
// Called once per connection before the first browse query; cheap after the first time.
import { KeepsakeError } from '../../../common/errors';
import { libraryIndexes } from '../vault/migrations/0700-library-indexes';
import { libraryThreads } from '../vault/migrations/0710-library-threads';
import type { Migration } from '../vault/migrations/migration';
import { get, run, sql, type Db } from '../vault/sql';

export const libraryMigrations: Migration[] = [libraryIndexes, libraryThreads];

const KEY = 'library_schema';
const ready = new WeakSet<Db>();

export function ensureLibrarySchema(db: Db, migrations: Migration[] = libraryMigrations): void {
  if (ready.has(db)) return;
  const current = Number(get<{ value: string }>(db, sql`SELECT value FROM meta WHERE key = ${KEY}`)?.value ?? 0);
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new KeepsakeError('UNSUPPORTED', `This vault's browse indexes were written by a newer version of Keepsake (library schema ${current}). Update Keepsake to browse it.`);
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      run(db, sql`INSERT INTO meta (key, value) VALUES (${KEY}, ${String(m.version)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    })();
  }
  ready.add(db);
}
