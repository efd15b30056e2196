// Random access into a newest-first photo timeline of any size without OFFSET: the day
// counts (photos.days) give every day's first index; to show index i the grid asks for a
// page starting at the newest photo of i's day (photos.timeline with `before` = day end)
// and files the answers by index. Blocks already asked for are not asked again.
import type { PhotoRow } from '../../common/contract/library';

export interface Day {
  day: string;
  count: number;
  end: number;
}

export class PhotoIndex {
  readonly starts: number[];
  readonly total: number;
  private readonly rows = new Map<number, PhotoRow>();
  private readonly asked = new Set<string>();

  constructor(
    readonly days: Day[],
    readonly undated: number,
  ) {
    let n = 0;
    this.starts = days.map((d) => {
      const s = n;
      n += d.count;
      return s;
    });
    this.total = n + undated;
  }

  get(i: number): PhotoRow | undefined {
    return this.rows.get(i);
  }

  /** The day holding index i (binary search), or -1 for the undated tail. */
  dayOf(i: number): number {
    let lo = 0;
    let hi = this.days.length - 1;
    if (hi < 0 || i >= this.total - this.undated) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Pages to fetch so indexes [a, b] are known: {before, start index, limit}. */
  missing(a: number, b: number): Array<{ key: string; before: number; start: number; limit: number }> {
    const out: Array<{ key: string; before: number; start: number; limit: number }> = [];
    let i = Math.max(0, a);
    const last = Math.min(b, this.total - 1);
    while (i <= last) {
      if (this.rows.has(i)) {
        i++;
        continue;
      }
      const d = this.dayOf(i);
      const start = d < 0 ? this.total - this.undated : this.starts[d]!;
      const limit = Math.min(500, Math.max(60, last - start + 1));
      const key = `${d}:${limit}`;
      if (!this.asked.has(key) && !this.asked.has(`${d}:500`)) {
        this.asked.add(key);
        // Undated photos come after every dated one: "before the earliest possible time".
        out.push({ key, before: d < 0 ? -8.64e15 : this.days[d]!.end, start, limit });
      }
      i = start + limit;
    }
    return out;
  }

  fill(start: number, rows: PhotoRow[]): void {
    rows.forEach((r, k) => this.rows.set(start + k, r));
  }

  forget(key: string): void {
    this.asked.delete(key);
  }

  /** First index on or before a date (for "jump to"). */
  indexAt(ms: number): number {
    const d = this.days.findIndex((x) => x.end <= ms);
    return d < 0 ? Math.max(0, this.total - this.undated - 1) : this.starts[d]!;
  }
}
