// Browse queries on a real vault filled through vault.putItems: every list, its keyset
// paging (no row twice, none missed), the data map, "Stored in", edits as new versions,
// search (ranked, prefix, phrase, filters, hostile syntax) and the contract handlers.
import { recordKitVerified } from '../../../main/core/security/kit-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { Library } from '../../../main/core/library/library';
import { ensureLibrarySchema } from '../../../main/core/library/schema';
import { toFtsQuery as toMatch, toTerms } from '../../../main/core/library/fts-query';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, tempDir } from '../vault/helpers';
import { KNOWN, SEED_NOW, seedLibrary } from './seed';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
let lib: Library;

beforeEach(async () => {
  t = tempDir('ks-lib-');
  vault = (await newVault(t.dir, { workers: false })).vault;
  await seedLibrary(vault);
  lib = new Library(vault, () => SEED_NOW);
});
afterEach(() => {
  vault.close();
  t.cleanup();
});

describe('lists', () => {
  it('photo timeline: newest first, screenshots separate, thumbnails and places', () => {
    const page = lib.timeline({ view: 'photos' });
    expect(page.items.map((p) => p.title)).toEqual(['IMG_20240601.jpg', 'IMG_20240602.jpg', 'IMG_20240603.jpg', 'IMG_20240604.jpg']);
    expect(page.items[0]).toMatchObject({ lat: KNOWN.photoPlace.lat, lon: KNOWN.photoPlace.lon, mime: 'image/jpeg', thumb: `${page.items[0]!.id}.thumbnail` });
    expect(page.next).toBeNull();
    expect(lib.timeline({ view: 'screenshots' }).items.map((p) => p.category)).toEqual(['screenshot']);
    // jump to a date: strictly before it
    expect(lib.timeline({ view: 'photos', before: SEED_NOW - 20 * 86_400_000 }).items.map((p) => p.title)).toEqual(['IMG_20240603.jpg', 'IMG_20240604.jpg']);
  });

  it('keyset pages over dated and undated rows never repeat or skip a row', async () => {
    const extra: NewItem[] = Array.from({ length: 23 }, (_, i) => ({
      category: 'note',
      sourceKey: `n${i}`,
      ...(i % 4 === 0 ? {} : { occurredAt: SEED_NOW - (i % 3) * 1000 }), // ties and undated rows
      title: `note ${i}`,
      text: `note ${i}`,
      fields: {},
      personal: true,
    }));
    await vault.putItems(extra);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const p = lib.notes({ limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...p.items.map((x) => x.title));
      if (!p.next) break;
      cursor = p.next;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const dated = seen.slice(0, 19);
    expect(seen.slice(19).every((s) => /note (0|4|8|12|16|20)$/.test(s))).toBe(true);
    expect(dated.includes(KNOWN.noteTitle)).toBe(true);
  });

  it('a forged cursor is a plain BAD_INPUT, not a crash', () => {
    expect(() => lib.notes({ cursor: 'not-a-cursor' })).toThrow(/page position/);
    expect(() => lib.notes({ cursor: Buffer.from('{"t":"x","s":1}').toString('base64url') })).toThrow(/page position/);
  });

  it('threads, one conversation with MMS attachments, calls', () => {
    const th = lib.threads({});
    expect(th.items[0]).toMatchObject({ key: KNOWN.threadAddress, title: KNOWN.threadName, count: 4, lastText: 'The view from the top' });
    expect(th.items[1]).toMatchObject({ key: '+15559870002', count: 2 });
    const conv = lib.thread({ key: KNOWN.threadAddress, limit: 2 });
    expect(conv.items.map((m) => m.text)).toEqual(['The view from the top', KNOWN.threadText]);
    const mms = conv.items[0]!.id;
    expect(conv.items[0]!.attachments).toEqual([
      expect.objectContaining({ name: 'view.jpg', mime: 'image/jpeg', mediaId: `${mms}.attachment` }),
      expect.objectContaining({ name: 'harbour.jpg', mime: 'image/jpeg', mediaId: `${mms}.attachment.1` }),
    ]);
    const rest = lib.thread({ key: KNOWN.threadAddress, cursor: conv.next! });
    expect(rest.items.map((m) => m.direction)).toEqual(['sent', 'received']);
    expect(rest.next).toBeNull();
    const calls = lib.calls({});
    expect(calls.items.map((c) => [c.kind, c.durationSeconds])).toEqual([
      ['missed', 0],
      ['incoming', 754],
    ]);
    const paged = lib.threads({ limit: 1 });
    expect(lib.threads({ limit: 1, cursor: paged.next! }).items.map((x) => x.key)).toEqual(['+15559870002']);
  });

  it('conversation summaries stay in step with imports and erasure (triggers of migration 0710)', async () => {
    const linus = () => lib.threads({}).items.find((x) => x.key === '+15559870002');
    expect(linus()).toMatchObject({ count: 2 });
    await vault.putItems([{ category: 'message', sourceKey: 'late', occurredAt: SEED_NOW + 1000, title: 'Linus', text: 'late', fields: { address: '+15559870002', body: 'Late reply', direction: 'received' }, personal: true }]);
    expect(lib.threads({}).items[0]).toMatchObject({ key: '+15559870002', count: 3, lastAt: SEED_NOW + 1000, lastText: 'Late reply' });
    const ids = lib.thread({ key: '+15559870002' }).items.map((m) => m.id);
    await vault.destroyItems([ids[0]!]);
    expect(linus()).toMatchObject({ count: 2, lastAt: SEED_NOW - 2 * 86_400_000 - 5 * 86_400_000 + 120_000 });
    await vault.destroyItems(ids.slice(1));
    expect(linus()).toBeUndefined();
  });

  it('contacts A to Z with paging, notes, email with html and attachment', () => {
    const first = lib.contacts({ limit: 2 });
    expect(first.items.map((c) => c.title)).toEqual([KNOWN.contactName, KNOWN.threadName]);
    expect(lib.contacts({ cursor: first.next! }).items.map((c) => c.title)).toEqual(['Linus Torvalds']);
    const list = lib.emails({});
    const mail = lib.email(list.items[0]!.id);
    expect(mail).toMatchObject({ subject: KNOWN.emailSubject, from: 'Travel Desk <desk@air.example>', to: 'Me <me@home.example>' });
    expect(mail.html).toContain('<script>'); // as written: the screen sanitises
    expect(mail.attachments.map((a) => [a.name, a.mediaId])).toEqual([
      ['boarding-pass.pdf', `${mail.id}.attachment`],
      ['itinerary.txt', `${mail.id}.attachment.1`],
    ]);
    expect(() => lib.email(lib.notes({}).items[0]!.id)).toThrow(/no such email/);
  });

  it('calendar range expands recurrences and keeps one-off events', () => {
    const june = lib.events(Date.UTC(2024, 5, 1), Date.UTC(2024, 6, 1));
    const piano = june.filter((e) => e.title === KNOWN.eventTitle);
    expect(piano.map((e) => new Date(e.start).toISOString().slice(0, 10))).toEqual(['2024-06-05', '2024-06-12', '2024-06-19', '2024-06-26']);
    expect(piano[0]).toMatchObject({ recurring: true, location: 'Music school', end: piano[0]!.start + 3600_000 });
    expect(june.find((e) => e.title === 'Dentist')).toMatchObject({ recurring: false });
    expect(lib.events(Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1))).toEqual([]);
  });

  it('photo days and places clusters', () => {
    const days = lib.days('photos', 0);
    expect(days.days.map((d) => [d.day, d.count])).toEqual([
      ['2024-06-14', 2],
      ['2024-05-16', 1],
      ['2024-05-15', 1],
    ]);
    expect(lib.timeline({ view: 'photos', before: days.days[1]!.end }).items[0]!.title).toBe('IMG_20240603.jpg');
    const places = lib.places(1);
    expect(places.total).toBe(3);
    const paris = places.clusters.find((c) => c.count === 2)!;
    expect(paris.lat).toBeCloseTo(48.859, 2);
    expect(paris.thumb).toMatch(/\.thumbnail$/);
  });
});

describe('overview, data map, stored in, edits', () => {
  it('overview counts categories, bytes, locations and says what needs attention', () => {
    const o = lib.overview();
    expect(o.items).toBe(21);
    expect(o.categories.find((c) => c.category === 'photo')).toMatchObject({ count: 4 });
    expect(o.categories.find((c) => c.category === 'photo')!.bytes).toBeGreaterThan(1000);
    expect(o.locations[0]).toMatchObject({ kind: 'vault', count: 21 });
    expect(o.attention.map((a) => a.kind)).toEqual(['kit-unverified', 'no-backup']);
    recordKitVerified(vault.indexDb, Date.now());
    expect(lib.overview().attention.map((a) => a.kind)).toEqual(['no-backup']);
  });

  it('data map cells and click-through; Stored in lists each copy', () => {
    const m = lib.matrix();
    const photos = m.rows.find((r) => r.category === 'photo')!;
    expect(photos.cells).toEqual([expect.objectContaining({ locationId: 1, count: 4, personal: 4, nonPersonal: 0, encryption: ['aes-256-gcm/item-key'] })]);
    const cell = lib.cell({ category: 'contact', locationId: 1 });
    expect(cell.items).toHaveLength(3);
    const copies = lib.copies(cell.items[0]!.id);
    expect(copies).toEqual([expect.objectContaining({ kind: 'vault', name: 'This computer', state: 'present', encryption: 'aes-256-gcm/item-key' })]);
    expect(() => lib.copies('0'.repeat(32))).toThrow(/no such item/);
  });

  it('editing a contact stores a new version, searchable; messages cannot be edited', async () => {
    const ada = lib.contacts({}).items.find((c) => c.title === KNOWN.contactName)!;
    const detail = lib.item(ada.id);
    expect(detail.editable).toBe(true);
    const r = await lib.update({ id: ada.id, title: 'Ada King', text: 'Ada King\n+44 20 7946 0999', fields: { phones: [{ value: '+44 20 7946 0999', types: ['cell'] }] } });
    expect(r.version).toBe(2);
    const after = lib.item(ada.id);
    expect(after).toMatchObject({ title: 'Ada King', version: 2 });
    expect(after.fields.org).toBe('Analytical Engines Ltd'); // untouched fields carried over
    expect(lib.search({ q: '0999' }).groups[0]!.hits[0]!.id).toBe(ada.id);
    const versions = vault.indexDb.prepare('SELECT count(*) AS n FROM item_versions WHERE item_id = ?').get(ada.id) as { n: number };
    expect(versions.n).toBe(2);
    const msg = lib.thread({ key: KNOWN.threadAddress }).items[0]!;
    await expect(lib.update({ id: msg.id, title: 'x' })).rejects.toThrow(/Only contacts, notes and calendar events/);
    await expect(lib.update({ id: ada.id, title: '  ' })).rejects.toThrow(/cannot be empty/);
  });
});

describe('search', () => {
  it('groups by category, ranks, prefixes, phrases, filters', () => {
    const r = lib.search({ q: 'harbour' });
    expect(r.groups.map((g) => g.category)).toEqual(['message']);
    expect(r.groups[0]!.hits[0]!.snippet).toContain('\u0002harbour\u0003');
    expect(lib.search({ q: 'Lovel*' }).groups[0]!.hits[0]!.title).toBe(KNOWN.contactName);
    expect(lib.search({ q: '"harbour walk"' }).groups).toHaveLength(1);
    expect(lib.search({ q: '"walk harbour"' }).groups).toHaveLength(0);
    const grace = lib.search({ q: 'Grace' });
    expect(new Set(grace.groups.map((g) => g.category))).toEqual(new Set(['message', 'call', 'contact']));
    expect(lib.search({ q: 'Grace', categories: ['contact'] }).groups.map((g) => g.category)).toEqual(['contact']);
    expect(lib.search({ q: 'Grace', from: SEED_NOW, categories: ['call'] }).groups).toHaveLength(0);
    expect(lib.search({ q: 'Grace', deviceId: 'nope' }).groups).toHaveLength(0);
    expect(lib.search({ q: 'K7Q2PX' }).groups[0]!.category).toBe('email');
  });

  it('ranks a title hit and a denser hit first within the window', async () => {
    await vault.putItems([
      { category: 'note', sourceKey: 'r1', occurredAt: SEED_NOW, title: 'Shopping', text: 'Shopping\nbuy milk, eggs, bread, apples, rice, tea and also a new kettle for the kitchen', fields: {}, personal: true },
      { category: 'note', sourceKey: 'r2', occurredAt: SEED_NOW - 1, title: 'Kettle', text: 'Kettle\ndescaling', fields: {}, personal: true },
      { category: 'note', sourceKey: 'r3', occurredAt: SEED_NOW - 2, title: 'Tea', text: 'Tea\nkettle kettle kettle', fields: {}, personal: true },
    ]);
    const hits = lib.search({ q: 'kettle', categories: ['note'] }).groups[0]!.hits.map((h) => h.title);
    expect(hits).toEqual(['Kettle', 'Tea', 'Shopping']);
    expect(toTerms('"Café au" lait* x')).toEqual([{ words: ['cafe', 'au'], prefix: false }, { words: ['lait'], prefix: true }, { words: ['x'], prefix: false }]);
  });

  it('hostile syntax is words, not FTS5 operators', () => {
    expect(toMatch('a OR b NEAR(c) col:d "e f" g*')).toBe('"a" "OR" "b" "NEAR" "c" "col" "d" "e f" "g"');
    expect(toMatch('ph* x*')).toBe('"ph"* "x"');
    for (const q of ['"', '*', 'AND', '(', '^x', 'title:ada', '\u0000', '"unterminated']) expect(() => lib.search({ q })).not.toThrow();
    expect(lib.search({ q: '   ' })).toEqual({ groups: [], windowed: false });
  });

  it('the vault’s own search reads queries the same way (one builder: fts-query.ts)', () => {
    expect(vault.search('harb*').map((h) => h.title)).toContain(KNOWN.threadName);
    // One letter is not a prefix for either (it would scan the whole vocabulary).
    expect(vault.search('h*')).toEqual([]);
    expect(lib.search({ q: 'h*' }).groups).toEqual([]);
    for (const q of ['a OR b', 'NEAR(c)', 'col:d', '"', '*']) expect(() => vault.search(q)).not.toThrow();
  });
});


describe('schema and handlers', () => {
  it('library migration is idempotent and its indexes are used', () => {
    const db = vault.indexDb;
    ensureLibrarySchema(db);
    ensureLibrarySchema(db, []);
    const plan = (q: string) => (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    expect(plan(`SELECT id FROM items INDEXED BY lib_media_time WHERE category IN ('photo', 'video') AND occurred_at IS NOT NULL AND (occurred_at, seq) < (1, 2) ORDER BY occurred_at DESC, seq DESC LIMIT 10`)).toContain('lib_media_time');
    expect(plan(`SELECT id FROM items WHERE category = 'message' AND json_extract(fields, '$.address') = 'x' AND occurred_at IS NOT NULL ORDER BY occurred_at DESC, seq DESC LIMIT 10`)).toContain('lib_msg_thread');
    expect(plan(`SELECT id FROM items INDEXED BY lib_contact_name WHERE category = 'contact' ORDER BY title COLLATE NOCASE, seq LIMIT 10`)).toContain('lib_contact_name');
    expect(plan(`SELECT id FROM items WHERE category = 'note' AND occurred_at IS NOT NULL AND (occurred_at, seq) < (1, 2) ORDER BY occurred_at DESC, seq DESC LIMIT 10`)).not.toContain('TEMP B-TREE');
  });

  it('contract calls through dispatch, locked vault refused', async () => {
    const core = new Core({ dataFolder: t.dir, hostKind: 'cli' });
    try {
      const locked = (await dispatch(core, 'library.overview', {})) as { ok: boolean; error?: { code: string } };
      expect(locked.error?.code).toBe('VAULT_LOCKED');
      core.vault = vault;
      const r = (await dispatch(core, 'search.query', { q: 'harbour' })) as { ok: boolean; value: { groups: unknown[] } };
      expect(r.ok).toBe(true);
      expect(r.value.groups).toHaveLength(1);
      const bad = (await dispatch(core, 'events.range', { from: 10, to: 5 })) as { ok: boolean; error?: { code: string } };
      expect(bad.error?.code).toBe('BAD_INPUT');
      const cal = (await dispatch(core, 'events.range', { from: Date.UTC(2024, 5, 1), to: Date.UTC(2024, 6, 1) })) as { ok: boolean; value: { items: unknown[] } };
      expect(cal.value.items.length).toBe(5);
    } finally {
      core.vault = null;
    }
  });
});
