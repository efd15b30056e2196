// The photo timeline (photos + videos, or screenshots as their own view), the per-day
// counts the grid lays itself out from (and jumps to a date with), and GPS clusters for
// the Places map. Reads only; each query walks a partial index of migration 0700.
import type { PhotoRow } from '../../../common/contract/library';
import { all, get, type Db } from '../vault/sql';
import { decodeCursor, isTimeKey, type TimeKey } from './cursor';
import { ROW_COLUMNS, timePage, toRow, type RawRow } from './rows';

export type PhotoView = 'photos' | 'screenshots';

// Constant text so the planner matches the partial indexes lib_media_time / lib_shot_time.
const VIEW_WHERE: Record<PhotoView, string> = {
  photos: `category IN ('photo', 'video')`,
  screenshots: `category = 'screenshot'`,
};
// On small or unanalysed tables the planner prefers items_category_time and sorts; the
// timeline must never sort 100,000 rows per page, so the index is named.
const VIEW_INDEX: Record<PhotoView, string> = { photos: 'lib_media_time', screenshots: 'lib_shot_time' };

const PHOTO_COLUMNS = `${ROW_COLUMNS}, lat, lon,
  (SELECT mime FROM files f WHERE f.item_id = items.id AND f.version = items.version AND f.role = 'original' AND f.ordinal = 0) AS mime,
  EXISTS (SELECT 1 FROM files f WHERE f.item_id = items.id AND f.version = items.version AND f.role = 'thumbnail' AND f.ordinal = 0) AS hasThumb`;

interface RawPhoto extends RawRow {
  lat: number | null;
  lon: number | null;
  mime: string | null;
  hasThumb: number;
}

export function photoTimeline(db: Db, opts: { view: PhotoView; cursor?: string | undefined; before?: number | undefined; limit: number }): { items: PhotoRow[]; next: string | null } {
  let key: TimeKey | undefined = decodeCursor(opts.cursor, isTimeKey);
  if (!key && opts.before !== undefined) key = { t: opts.before, s: Number.MAX_SAFE_INTEGER };
  const page = timePage<RawPhoto>(db, { columns: PHOTO_COLUMNS, where: VIEW_WHERE[opts.view], indexedBy: VIEW_INDEX[opts.view], key, limit: opts.limit });
  return {
    items: page.rows.map((r) => ({ ...toRow(r), lat: r.lat, lon: r.lon, mime: r.mime ?? 'application/octet-stream', thumb: r.hasThumb ? `${r.id}.thumbnail` : null })),
    next: page.next,
  };
}

/** Counts per calendar day in the viewer's zone (offset in minutes east of UTC), newest first. */
export function photoDays(db: Db, view: PhotoView, tzOffsetMinutes: number): { days: Array<{ day: string; count: number; end: number }>; undated: number } {
  const shift = tzOffsetMinutes * 60_000;
  const rows = all<{ d: number; n: number }>(db, {
    text: `SELECT CAST(floor((occurred_at + ?) / 86400000.0) AS INTEGER) AS d, count(*) AS n FROM items WHERE ${VIEW_WHERE[view]} AND occurred_at IS NOT NULL GROUP BY d ORDER BY d DESC`,
    params: [shift],
  });
  const undated = get<{ n: number }>(db, { text: `SELECT count(*) AS n FROM items WHERE ${VIEW_WHERE[view]} AND occurred_at IS NULL`, params: [] })?.n ?? 0;
  return {
    days: rows.map((r) => ({ day: new Date(r.d * 86_400_000).toISOString().slice(0, 10), count: r.n, end: (r.d + 1) * 86_400_000 - shift - 1 })),
    undated,
  };
}

/** One point per grid cell: the mean position, the count and a sample to show. */
export function photoPlaces(db: Db, cellDegrees: number): { clusters: Array<{ lat: number; lon: number; count: number; sample: string; thumb: string | null }>; total: number } {
  const rows = all<{ lat: number; lon: number; n: number; sample: string; hasThumb: number }>(db, {
    text: `SELECT g.lat, g.lon, g.n, g.sample,
             EXISTS (SELECT 1 FROM files f JOIN items i ON i.id = f.item_id AND f.version = i.version WHERE f.item_id = g.sample AND f.role = 'thumbnail') AS hasThumb
           FROM (SELECT avg(lat) AS lat, avg(lon) AS lon, count(*) AS n, max(id) AS sample
                 FROM items WHERE lat IS NOT NULL AND category IN ('photo', 'video', 'screenshot')
                 GROUP BY CAST(floor((lat + 90) / ?) AS INTEGER), CAST(floor((lon + 180) / ?) AS INTEGER)) g
           ORDER BY g.n DESC LIMIT 5000`,
    params: [cellDegrees, cellDegrees],
  });
  return {
    clusters: rows.map((r) => ({ lat: r.lat, lon: r.lon, count: r.n, sample: r.sample, thumb: r.hasThumb ? `${r.sample}.thumbnail` : null })),
    total: rows.reduce((s, r) => s + r.n, 0),
  };
}
