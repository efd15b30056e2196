// Phrase search with and without token positions in the search index. New and small vaults
// index words without positions (FTS5 detail=column, migration 0960: less to write per
// message); larger vaults made before it keep detail=full. Both must answer a quoted phrase
// the same way — words in order, not merely all present — in the library search and the
// vault's own search, and the migration must convert a small vault (rebuilding its index)
// and leave a large one as it is.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchItems } from '../../../main/core/library/search';
import { ftsKeepsPositions } from '../../../main/core/vault/fts-detail';
import { openIndexDb } from '../../../main/core/vault/index-db';
import { REBUILD_AT_MOST, searchColumns } from '../../../main/core/vault/migrations/0960-search-columns';
import { allMigrations } from '../../../main/core/vault/migrations/migration';
import type { Db } from '../../../main/core/vault/sql';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, openVault, tempDir } from '../vault/helpers';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir('ks-phrases-');
});
afterEach(() => t.cleanup());

const texts = [
  'Meet me at the train station at nine',
  'The station is far from the train yard', // both words, not the phrase
  'Train. Station! (punctuation between is still adjacent words)',
  'Café au lait at the station café',
];

async function vaultWithTexts(): Promise<Vault> {
  const { vault } = await newVault(join(t.dir, 'home'));
  const results = await vault.putRecords(texts.map((text, i) => ({ category: 'note', sourceKey: `n${i}`, occurredAt: 1_700_000_000_000 + i, title: `Note ${i}`, text, fields: {}, personal: true })));
  expect(results.every((r) => r.status === 'added')).toBe(true);
  return vault;
}

function answers(vault: Vault, q: string): { library: string[]; vault: string[] } {
  const lib = searchItems(vault.indexDb, { q }).groups.flatMap((g) => g.hits.map((h) => h.title)).sort();
  return { library: lib, vault: vault.search(q).map((h) => h.title).sort() };
}

function expectPhraseAnswers(vault: Vault): void {
  expect(answers(vault, '"train station"')).toEqual({ library: ['Note 0', 'Note 2'], vault: ['Note 0', 'Note 2'] });
  expect(answers(vault, '"station train"')).toEqual({ library: [], vault: [] });
  expect(answers(vault, 'train station')).toEqual({ library: ['Note 0', 'Note 1', 'Note 2'], vault: ['Note 0', 'Note 1', 'Note 2'] });
  // Diacritics folded as the index folds them; a phrase in the title counts too.
  expect(answers(vault, '"cafe au lait"')).toEqual({ library: ['Note 3'], vault: ['Note 3'] });
  expect(answers(vault, '"note 1" yard')).toEqual({ library: ['Note 1'], vault: ['Note 1'] });
  expect(answers(vault, '"the station" st*')).toEqual({ library: ['Note 1', 'Note 3'], vault: ['Note 1', 'Note 3'] });
}

const ftsSql = (db: Db): string => (db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'items_fts'`).get() as { sql: string }).sql;

describe('phrase search', () => {
  it('a new vault indexes words without positions and still answers phrases in order', async () => {
    const vault = await vaultWithTexts();
    try {
      expect(ftsSql(vault.indexDb)).toMatch(/detail = column/);
      expect(ftsKeepsPositions(vault.indexDb)).toBe(false);
      expectPhraseAnswers(vault);
      // Erasure still takes an item's words out of the index.
      const id = vault.search('yard')[0]!.id;
      await vault.destroyItems([id]);
      expect(vault.search('yard')).toEqual([]);
      expect(vault.indexDb.prepare(`SELECT count(*) AS n FROM items_fts WHERE items_fts MATCH '"yard"'`).get()).toEqual({ n: 0 });
    } finally {
      vault.close();
    }
  });

  it('a vault whose index keeps positions (detail=full, as before 0960) gives the same answers', async () => {
    const first = await vaultWithTexts();
    first.indexDb.exec(`
      DROP TABLE items_fts;
      CREATE VIRTUAL TABLE items_fts USING fts5 (title, body, content = 'items', content_rowid = 'seq', prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO items_fts (items_fts, rank) VALUES ('secure-delete', 1);
      INSERT INTO items_fts (items_fts) VALUES ('rebuild');`);
    first.close();
    const vault = await openVault(join(t.dir, 'home'));
    try {
      expect(ftsKeepsPositions(vault.indexDb)).toBe(true);
      expectPhraseAnswers(vault);
    } finally {
      vault.close();
    }
  });
});

describe('migration 0960', () => {
  const before = allMigrations().filter((m) => m.version < searchColumns.version);
  function fill(db: Db, n: number, from = 0): void {
    const ins = db.prepare(`INSERT INTO items (id, category, device_id, personal, occurred_at, title, body, fingerprint, wrapped_key, created_at, updated_at)
                            VALUES (?, 'note', 'local', 1, ?, ?, ?, ?, x'', 0, 0)`);
    db.transaction(() => {
      for (let i = from; i < from + n; i++) ins.run(i.toString(16).padStart(32, '0'), i, `Note ${i}`, i % 2 ? `the train station ${i}` : `station and train ${i}`, randomBytes(32));
    })();
  }

  it('converts a small vault, rebuilding its index from the items', () => {
    const path = join(t.dir, 'small.db');
    const key = randomBytes(32);
    const old = openIndexDb(path, key, { migrations: before });
    fill(old, 40);
    expect(ftsSql(old)).not.toMatch(/detail/);
    old.close();
    const db = openIndexDb(path, key);
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(960);
      expect(ftsSql(db)).toMatch(/detail = column/);
      expect(ftsKeepsPositions(db)).toBe(false);
      const hits = searchItems(db, { q: '"train station"', perGroup: 100 }).groups.flatMap((g) => g.hits);
      expect(hits).toHaveLength(20);
      expect(hits.every((h) => Number(h.title.slice(5)) % 2 === 1)).toBe(true);
      // New rows are indexed by the new triggers.
      fill(db, 1, 1001);
      expect(searchItems(db, { q: '"train station" 1001' }).groups.flatMap((g) => g.hits).map((h) => h.title)).toEqual(['Note 1001']);
    } finally {
      db.close();
    }
  });

  it(`leaves a vault of more than ${REBUILD_AT_MOST.toLocaleString('en')} items on detail=full (no long rebuild while it opens)`, () => {
    const path = join(t.dir, 'large.db');
    const key = randomBytes(32);
    const old = openIndexDb(path, key, { migrations: before });
    fill(old, REBUILD_AT_MOST + 1);
    old.close();
    const db = openIndexDb(path, key);
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(960);
      expect(ftsSql(db)).not.toMatch(/detail/);
      expect(ftsKeepsPositions(db)).toBe(true);
      expect(searchItems(db, { q: '"train station" 7' }).groups.flatMap((g) => g.hits).map((h) => h.title)).toEqual(['Note 7']);
    } finally {
      db.close();
    }
  }, 60_000);
});
