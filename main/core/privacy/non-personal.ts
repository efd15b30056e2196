// What non-personal information Keepsake holds (POLICY.txt: device models, app versions,
// statistics) and how the combination rule applies: a non-personal record linked to a
// personal one — a phone's model next to the messages that came from it — is treated as
// personal for as long as it is linked. Keepsake sends none of it anywhere: there is no
// telemetry; cloud copies carry it only inside the encrypted index.
import { all, get, sql, type Db } from '../vault/sql';

export interface NonPersonalReport {
  appVersion: string;
  devices: Array<{ name: string; model: string | null; platform: string | null; linkedPersonalItems: number; treatedAs: 'personal' | 'non-personal' }>;
  nonPersonalItems: Array<{ category: string; count: number }>;
  statistics: Array<{ what: string; value: number }>;
  leavesComputer: false;
}

function hasTable(db: Db, name: string): boolean {
  return get<{ n: number }>(db, sql`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${name}`)!.n > 0;
}

export function nonPersonalReport(db: Db, appVersion: string): NonPersonalReport {
  const devices = all<{ name: string; model: string | null; platform: string | null; n: number }>(
    db,
    sql`SELECT d.name, d.model, d.platform, (SELECT count(*) FROM items i WHERE i.device_id = d.id AND i.personal = 1) AS n FROM devices d ORDER BY d.name`,
  ).map((d) => ({ name: d.name, model: d.model, platform: d.platform, linkedPersonalItems: d.n, treatedAs: d.n > 0 ? ('personal' as const) : ('non-personal' as const) }));
  const nonPersonalItems = all<{ category: string; count: number }>(db, sql`SELECT category, count(*) AS count FROM items WHERE personal = 0 GROUP BY category ORDER BY category`);
  const one = (q: ReturnType<typeof sql>): number => get<{ n: number }>(db, q)?.n ?? 0;
  const statistics = [
    { what: 'Snapshots taken', value: one(sql`SELECT count(*) AS n FROM snapshots`) },
    { what: 'Stored packs', value: one(sql`SELECT count(*) AS n FROM packs`) },
    { what: 'Items erased (tombstones kept so they never come back)', value: one(sql`SELECT count(*) AS n FROM tombstones`) },
  ];
  if (hasTable(db, 'cloud_targets')) statistics.push({ what: 'Cloud targets', value: one(sql`SELECT count(*) AS n FROM cloud_targets`) });
  return { appVersion, devices, nonPersonalItems, statistics, leavesComputer: false };
}
