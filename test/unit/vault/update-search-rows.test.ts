// A new version of an item rewrites its search-index entry only when its title or text
// changed (version-rows.ts updateItemRow): a re-run of a folder backup over edited files
// keeps their names, and rewriting each one's FTS entry (secure-delete) was most of the
// commit. A temporary trigger on the real items table counts the title/body assignments:
// the old single UPDATE made one per changed file. Search must still follow a real change.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultContext } from '../../../main/core/vault/context';
import type { RecordItem } from '../../../main/core/vault/record-store';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, pseudoRandom, tempDir } from './helpers';

function watchTextUpdates(vault: Vault): () => number {
  const db = (vault as unknown as { ctx: VaultContext }).ctx.db;
  db.exec(`CREATE TEMP TABLE text_updates (n INTEGER);
           CREATE TEMP TRIGGER count_text_updates AFTER UPDATE OF title, body ON main.items BEGIN INSERT INTO text_updates VALUES (1); END;`);
  return () => (db.prepare('SELECT count(*) AS n FROM text_updates').get() as { n: number }).n;
}

describe('a new version and the search index', () => {
  let t: ReturnType<typeof tempDir>;
  let vault: Vault;
  beforeEach(async () => {
    t = tempDir();
    vault = (await newVault(join(t.dir, 'home'), { workers: false })).vault;
  });
  afterEach(() => {
    vault.close();
    t.cleanup();
  });

  it('a folder re-run over edited files keeps their search entries and finds them by name', async () => {
    const data = join(t.dir, 'data');
    mkdirSync(data);
    for (let i = 0; i < 6; i++) writeFileSync(join(data, `holiday-${i}.txt`), pseudoRandom(3000, i + 1));
    await vault.backupFolder(data);
    const textUpdates = watchTextUpdates(vault);
    for (let i = 0; i < 6; i += 2) writeFileSync(join(data, `holiday-${i}.txt`), pseudoRandom(3100, i + 100));
    const report = await vault.backupFolder(data);
    expect(report.updated).toBe(3);
    expect(textUpdates()).toBe(0);
    expect(vault.search('holiday').length).toBe(6);
    const edited = vault.search('holiday').find((h) => vault.getItem(h.id)?.version === 2);
    expect(edited).toBeDefined();
  });

  it('a record whose text changed is found by its new words only; one whose text did not is left alone', async () => {
    const message = (text: string, address: string): RecordItem => ({ category: 'message', sourceKey: 'sms:1', title: 'Grace', text, fields: { address }, occurredAt: 1000, personal: true });
    const [first] = await vault.putRecords([message('meet at the lighthouse', '+100')]);
    const textUpdates = watchTextUpdates(vault);
    const [moved] = await vault.putRecords([message('meet at the lighthouse', '+200')]);
    expect(moved).toMatchObject({ id: first!.id, status: 'updated', version: 2 });
    expect(textUpdates()).toBe(0);
    expect(vault.getItem(first!.id)?.fields).toEqual({ address: '+200' });
    const [reworded] = await vault.putRecords([message('meet at the harbour', '+200')]);
    expect(reworded).toMatchObject({ id: first!.id, status: 'updated', version: 3 });
    expect(textUpdates()).toBe(1);
    expect(vault.search('harbour').map((h) => h.id)).toEqual([first!.id]);
    expect(vault.search('lighthouse')).toEqual([]);
    expect(vault.getItem(first!.id)).toMatchObject({ title: 'Grace', text: 'meet at the harbour' });
  });

  it('putItems: a new title is searchable and the old one is gone', async () => {
    const [a] = await vault.putItems([{ category: 'note', sourceKey: 'n:1', title: 'quince jam', text: 'recipe', fields: {}, personal: true }]);
    const [b] = await vault.putItems([{ category: 'note', sourceKey: 'n:1', title: 'plum jam', text: 'recipe', fields: {}, personal: true }]);
    expect(b).toMatchObject({ id: a!.id, status: 'updated', version: 2 });
    expect(vault.search('plum').map((h) => h.id)).toEqual([a!.id]);
    expect(vault.search('quince')).toEqual([]);
  });
});
