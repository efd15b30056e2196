// The data map: for each category × location, how many copies, their file bytes, how many
// are personal vs non-personal, and how they are encrypted; and the items behind a cell.
// Built from the copies table — the same rows erasure walks — so the map and an erasure
// can never disagree about where something is.
import type { ItemRow, Matrix } from '../../../common/contract/library';
import { Category, type LocationKind } from '../../../common/domain';
import { all, type Db } from '../vault/sql';
import { decodeCursor, isTimeKey } from './cursor';
import { timePage, toRow, type RawRow } from './rows';

export function matrix(db: Db): Matrix {
  const locations = all<{ id: number; kind: LocationKind; name: string }>(db, { text: `SELECT id, kind, name FROM locations ORDER BY id`, params: [] });
  const cells = all<{ category: Category; loc: number; n: number; p: number; enc: string | null }>(db, {
    text: `SELECT i.category, c.location_id AS loc, count(*) AS n, sum(i.personal) AS p, group_concat(DISTINCT c.encryption) AS enc
           FROM copies c JOIN items i ON i.id = c.item_id WHERE c.state IN ('present', 'pending') GROUP BY i.category, c.location_id`,
    params: [],
  });
  const bytes = new Map(
    all<{ category: string; loc: number; b: number }>(db, {
      text: `SELECT i.category, c.location_id AS loc, sum(f.size) AS b FROM files f CROSS JOIN items i ON i.id = f.item_id AND i.version = f.version
             JOIN copies c ON c.item_id = f.item_id WHERE c.state IN ('present', 'pending') GROUP BY i.category, c.location_id`,
      params: [],
    }).map((r) => [`${r.category}/${r.loc}`, r.b]),
  );
  const present = new Set(cells.map((c) => c.category));
  const rows = Category.options
    .filter((cat) => present.has(cat))
    .map((category) => ({
      category,
      cells: cells
        .filter((c) => c.category === category)
        .map((c) => ({ locationId: c.loc, count: c.n, bytes: bytes.get(`${category}/${c.loc}`) ?? 0, personal: c.p, nonPersonal: c.n - c.p, encryption: (c.enc ?? '').split(',').filter(Boolean).sort() })),
    }));
  return { locations, rows };
}

export function cellItems(db: Db, opts: { category: Category; locationId: number; cursor?: string | undefined; limit: number }): { items: ItemRow[]; next: string | null } {
  const page = timePage<RawRow>(db, {
    columns: `seq, id, category, device_id AS deviceId, personal, occurred_at AS occurredAt, title, summary, version`,
    where: `category = ? AND EXISTS (SELECT 1 FROM copies c WHERE c.item_id = items.id AND c.location_id = ? AND c.state IN ('present', 'pending'))`,
    params: [opts.category, opts.locationId],
    key: decodeCursor(opts.cursor, isTimeKey),
    limit: opts.limit,
  });
  return { items: page.rows.map(toRow), next: page.next };
}
