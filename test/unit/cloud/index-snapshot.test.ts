// The cloud copy of the index: a point-in-time image taken from the open encrypted index
// while it is written to, cut into segments, and written back as an encrypted index that
// the vault's own opener accepts, with full-text search, triggers and the schema version.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { segments, snapshotIndex, writeIndexFromImage } from '../../../main/core/cloud/mirror/index-snapshot';
import { openIndexDb } from '../../../main/core/vault/index-db';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'keepsake-idx-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('index snapshot', () => {
  it('round-trips an encrypted index with FTS and triggers through a plaintext-free image', async () => {
    const key = randomBytes(32);
    const src = openIndexDb(join(tmp(), 'index.db'), key);
    src.exec(`CREATE TABLE notes(id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);
      CREATE INDEX notes_body ON notes(body);
      CREATE VIRTUAL TABLE notes_fts USING fts5(body, content='notes', content_rowid='id');
      CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN INSERT INTO notes_fts(rowid, body) VALUES (new.id, new.body); END;`);
    const ins = src.prepare('INSERT INTO notes(body) VALUES (?)');
    for (let i = 0; i < 500; i++) ins.run(`canary-note number ${i} ${randomBytes(20).toString('hex')}`);
    const version = src.pragma('user_version', { simple: true });
    const image = await snapshotIndex(src);
    // More writes after the snapshot must not appear in the copy.
    ins.run('written after the snapshot');
    expect(segments(image, 4096).reduce((n, s) => n + s.length, 0)).toBe(image.length);

    const dest = join(tmp(), 'restored.db');
    writeIndexFromImage(image, dest, key);
    expect(readFileSync(dest).includes(Buffer.from('canary-note'))).toBe(false);
    expect(readFileSync(dest).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    const back = openIndexDb(dest, key);
    expect(back.pragma('user_version', { simple: true })).toBe(version);
    expect(back.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 500 });
    expect((back.prepare(`SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'number'`).all() as unknown[]).length).toBe(500);
    back.prepare('INSERT INTO notes(body) VALUES (?)').run('fresh row after restore');
    expect((back.prepare(`SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'fresh'`).all() as unknown[]).length).toBe(1);
    expect(back.pragma('integrity_check', { simple: true })).toBe('ok');
    back.close();
    src.close();
  });

  it('refuses to open the copy with another key', async () => {
    const key = randomBytes(32);
    const src = openIndexDb(join(tmp(), 'index.db'), key);
    const dest = join(tmp(), 'restored.db');
    writeIndexFromImage(await snapshotIndex(src), dest, key);
    expect(() => openIndexDb(dest, randomBytes(32))).toThrow(/cannot be decrypted/);
    src.close();
  });

  it('reports a damaged image as CORRUPT', () => {
    expect(() => writeIndexFromImage(randomBytes(8192), join(tmp(), 'x.db'), randomBytes(32))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });
});
