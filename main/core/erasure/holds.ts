// Legal holds: held items (one by one, or a whole category) cannot be erased until the
// hold is released. Erasure and retention skip them and say so on the receipt; restores
// are not blocked by holds.
import { KeepsakeError } from '../../../common/errors';
import type { Category } from '../../../common/domain';
import { all, get, run, sql, type Db } from '../vault/sql';

export interface Hold {
  id: number;
  itemId: string | null;
  category: Category | null;
  reason: string;
  createdAt: number;
}

interface Row {
  id: number;
  item_id: string | null;
  category: Category | null;
  reason: string;
  created_at: number;
}

export class LegalHolds {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  holdItem(itemId: string, reason: string): Hold {
    if (!get(this.db, sql`SELECT 1 AS x FROM items WHERE id = ${itemId}`)) throw new KeepsakeError('NOT_FOUND', 'There is no such item.');
    run(this.db, sql`INSERT INTO legal_holds (item_id, reason, created_at) VALUES (${itemId}, ${reason}, ${this.now()}) ON CONFLICT DO NOTHING`);
    return this.list().find((h) => h.itemId === itemId)!;
  }

  holdCategory(category: Category, reason: string): Hold {
    run(this.db, sql`INSERT INTO legal_holds (category, reason, created_at) VALUES (${category}, ${reason}, ${this.now()}) ON CONFLICT DO NOTHING`);
    return this.list().find((h) => h.category === category)!;
  }

  release(holdId: number): void {
    if (run(this.db, sql`DELETE FROM legal_holds WHERE id = ${holdId}`).changes === 0) throw new KeepsakeError('NOT_FOUND', 'There is no such hold.');
  }

  list(): Hold[] {
    return all<Row>(this.db, sql`SELECT * FROM legal_holds ORDER BY id`).map((r) => ({ id: r.id, itemId: r.item_id, category: r.category, reason: r.reason, createdAt: r.created_at }));
  }

  /** Splits ids into those that may be erased and those under a hold. */
  partition(itemIds: string[]): { free: string[]; held: string[] } {
    const heldCategories = new Set(all<{ category: string }>(this.db, sql`SELECT category FROM legal_holds WHERE category IS NOT NULL`).map((r) => r.category));
    const free: string[] = [];
    const held: string[] = [];
    for (const id of itemIds) {
      const r = get<{ category: string; held: number }>(
        this.db,
        sql`SELECT i.category, EXISTS (SELECT 1 FROM legal_holds h WHERE h.item_id = i.id) AS held FROM items i WHERE i.id = ${id}`,
      );
      if (!r) continue;
      (r.held || heldCategories.has(r.category) ? held : free).push(id);
    }
    return { free, held };
  }
}
