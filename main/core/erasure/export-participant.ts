// Erasure of export bundles Keepsake wrote (recovery bundles): the bundle files of the
// erased items' categories are deleted — a contacts.vcf holds every exported contact, so
// it goes whole; a file recorded with category '*' (a privacy report's index.json, which
// names items of every kind) goes on any erase — and their absence is checked. The rest of
// the bundle stays. A bundle on a
// drive that is not connected is reported as pending, named, for the next erase or retry.
import { existsSync, rmSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { LocationOutcome } from '../privacy/receipts';
import { all, run, sql, type Db } from '../vault/sql';
import type { CopyLocation } from './participants';

export function eraseFromExports(db: Db, exports: CopyLocation[], categoriesOf: (itemIds: string[]) => Set<string>): LocationOutcome[] {
  const out: LocationOutcome[] = [];
  for (const loc of exports) {
    const root = loc.ref;
    const categories = categoriesOf(loc.itemIds);
    if (!existsSync(root)) {
      out.push({ location: loc.name, kind: 'export', outcome: 'pending', items: loc.itemIds.length, detail: `The folder ${root} is not reachable (a drive not connected?); its files that held these items are deleted when it is.` });
      continue;
    }
    const files = all<{ path: string; category: string }>(db, sql`SELECT path, category FROM recovery_files WHERE recovery_key = ${root}`).filter((f) => f.category === '*' || categories.has(f.category));
    const failed: string[] = [];
    for (const f of files) {
      const full = resolve(root, f.path);
      if (!full.startsWith(resolve(root) + sep)) continue; // never outside the bundle
      try {
        rmSync(full, { force: true });
      } catch {
        // checked below
      }
      if (existsSync(full)) failed.push(f.path);
      else run(db, sql`DELETE FROM recovery_files WHERE recovery_key = ${root} AND path = ${f.path}`);
    }
    out.push(
      failed.length
        ? { location: loc.name, kind: 'export', outcome: 'failed', items: loc.itemIds.length, detail: `Could not delete ${failed.slice(0, 3).map((p) => join(root, p)).join(', ')}${failed.length > 3 ? ` and ${failed.length - 3} more` : ''}; delete them by hand.` }
        : { location: loc.name, kind: 'export', outcome: 'erased', items: loc.itemIds.length, detail: `${files.length} bundle file(s) that held them deleted (checked); make a new bundle to restore the rest.` },
    );
  }
  return out;
}
