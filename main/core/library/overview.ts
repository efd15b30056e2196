// The dashboard's numbers: items and file bytes by category and by location, each device
// with its last backup, and what needs attention (a failing cloud target, a phone not seen
// for 30 days, everything in only one place). Read-only; other areas' tables (cloud) are
// read only when they exist, so the dashboard works before those areas are set up.
import type { Overview } from '../../../common/contract/library';
import { Category, type LocationKind } from '../../../common/domain';
import { kitVerifiedAt } from '../security/kit-check';
import { all, get, type Db } from '../vault/sql';

const DAY = 86_400_000;

function hasTable(db: Db, name: string): boolean {
  return !!get(db, { text: `SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`, params: [name] });
}

// Byte sums walk files (far fewer rows than items: a million messages have no files) and
// look each item up; CROSS JOIN keeps SQLite from walking every item instead.
export function overview(db: Db, now: number): Overview {
  const counts = all<{ category: Category; n: number }>(db, { text: `SELECT category, count(*) AS n FROM items GROUP BY category`, params: [] });
  const bytes = new Map(
    all<{ category: Category; b: number }>(db, {
      text: `SELECT i.category, sum(f.size) AS b FROM files f CROSS JOIN items i ON i.id = f.item_id AND i.version = f.version GROUP BY i.category`,
      params: [],
    }).map((r) => [r.category, r.b]),
  );
  const order = Category.options;
  const categories = counts
    .filter((r) => order.includes(r.category))
    .map((r) => ({ category: r.category, count: r.n, bytes: bytes.get(r.category) ?? 0 }))
    .sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category));

  const locBytes = new Map(
    all<{ id: number; b: number }>(db, {
      text: `SELECT c.location_id AS id, sum(f.size) AS b FROM files f CROSS JOIN items i ON i.id = f.item_id AND i.version = f.version
             JOIN copies c ON c.item_id = f.item_id WHERE c.state IN ('present', 'pending') GROUP BY c.location_id`,
      params: [],
    }).map((r) => [r.id, r.b]),
  );
  const locations = all<{ id: number; kind: LocationKind; name: string; n: number }>(db, {
    text: `SELECT l.id, l.kind, l.name, (SELECT count(*) FROM copies c WHERE c.location_id = l.id AND c.state IN ('present', 'pending')) AS n FROM locations l ORDER BY l.id`,
    params: [],
  }).map((l) => ({ id: l.id, kind: l.kind, name: l.name, count: l.n, bytes: locBytes.get(l.id) ?? 0 }));

  const devices = all<{ id: string; name: string; model: string | null; platform: string | null; lastSeenAt: number | null; lastBackupAt: number | null; items: number }>(db, {
    text: `SELECT d.id, d.name, d.model, d.platform, d.last_seen_at AS lastSeenAt,
             (SELECT max(created_at) FROM snapshots s WHERE s.device_id = d.id) AS lastBackupAt,
             (SELECT count(*) FROM items i WHERE i.device_id = d.id) AS items
           FROM devices d ORDER BY d.id = 'local', coalesce(d.last_seen_at, 0) DESC`,
    params: [],
  });

  const attention: Overview['attention'] = [];
  let targets = 0;
  if (hasTable(db, 'cloud_targets')) {
    for (const t of all<{ label: string; last_error: string | null; last_success_at: number | null }>(db, { text: `SELECT label, last_error, last_success_at FROM cloud_targets ORDER BY label`, params: [] })) {
      targets++;
      if (t.last_error) attention.push({ kind: 'target-failing', message: `Cloud target “${t.label}” is failing: ${t.last_error}`, section: 'cloud' });
    }
  }
  for (const d of devices) {
    if (d.id === 'local' || d.lastSeenAt === null) continue;
    const days = Math.floor((now - d.lastSeenAt) / DAY);
    if (days >= 30) attention.push({ kind: 'device-stale', message: `${d.name} has not backed up for ${days} days.`, section: 'devices' });
  }
  const items = counts.reduce((s, r) => s + r.n, 0);
  if (items > 0 && kitVerifiedAt(db) === null) attention.push({ kind: 'kit-unverified', message: 'Your Emergency Kit has not been tested. Test it in Settings → Security, so you know it opens your vault if you forget your passphrase.', section: 'settings' });
  if (items > 0 && targets === 0) attention.push({ kind: 'no-backup', message: 'Everything is on this computer only. Add a cloud target or an external drive so one failure cannot lose it.', section: 'cloud' });

  return { items, bytes: categories.reduce((s, c) => s + c.bytes, 0), categories, locations, devices, attention };
}
