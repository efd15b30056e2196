// Receipts: issue, revise pending → done, verify the chain, readable page with no content.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceiptBook, type ReceiptBody } from '../../../main/core/privacy/receipts';
import { receiptHtml } from '../../../main/core/privacy/receipt-page';
import { openIndexDb } from '../../../main/core/vault/index-db';
import { coreSchema } from '../../../main/core/vault/migrations/0010-core-schema';
import { privacyLedgers } from '../../../main/core/vault/migrations/0800-privacy-ledgers';
import type { Db } from '../../../main/core/vault/sql';
import { tempHome } from '../../support/temp-home';

describe('receipts', () => {
  let home: ReturnType<typeof tempHome>;
  let db: Db;
  let book: ReceiptBook;
  let now = 1_700_000_000_000;
  const body: ReceiptBody = {
    kind: 'erasure',
    scope: '2 photos <script>',
    requestedAt: 1_700_000_000_000,
    counts: { photo: 2 },
    locations: [
      { location: 'This computer', kind: 'vault', outcome: 'erased', items: 2 },
      { location: 'Pixel 8', kind: 'phone', outcome: 'pending', items: 1, detail: 'the phone is offline' },
    ],
  };

  beforeEach(() => {
    home = tempHome();
    db = openIndexDb(join(home.path, 'index.db'), randomBytes(32), { migrations: [coreSchema, privacyLedgers] });
    book = new ReceiptBook(db, randomBytes(32), () => now++);
  });
  afterEach(() => {
    db.close();
    home.remove();
  });

  it('issues a receipt, then a revision when the pending part completes', () => {
    const r1 = book.issue(body);
    expect(r1.complete).toBe(false);
    expect(book.pending().map((r) => r.id)).toEqual([r1.id]);
    const r2 = book.revise(r1.id, (b) => ({ ...b, locations: b.locations.map((l) => (l.outcome === 'pending' ? { ...l, outcome: 'erased' as const, detail: 'the phone confirmed' } : l)) }));
    expect(r2.revision).toBe(2);
    expect(r2.complete).toBe(true);
    expect(book.get(r1.id)?.revision).toBe(2);
    expect(book.history(r1.id).map((r) => r.revision)).toEqual([1, 2]);
    expect(book.list()).toHaveLength(1);
    expect(book.pending()).toHaveLength(0);
    expect(book.verify()).toEqual({ ok: true, count: 2 });
  });

  it('detects a tampered receipt', () => {
    const r = book.issue(body);
    book.issue({ ...body, scope: 'another' });
    db.exec('DROP TRIGGER receipts_no_update');
    db.prepare(`UPDATE receipts SET body = replace(body, '"pending"', '"erased"') WHERE id = ?`).run(r.id);
    expect(book.verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('renders a readable page with escaped text and no script', () => {
    const html = receiptHtml(book.issue(body));
    expect(html).toContain('Erasure receipt');
    expect(html).toContain('2 photos');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('still pending');
  });
});
