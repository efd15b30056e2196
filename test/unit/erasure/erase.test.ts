// Erasure on a real vault: preview → confirm it's you → erase → receipt; tombstones stop
// the item coming back; legal holds are honoured; items sharing packs with the erased one
// still read; and (rows 40–41, local half) nothing of the erased item — its canary text,
// its file bytes, its wrapped key — survives anywhere in the data folder, including the
// index's free pages, decrypted with the index key.
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { startErase } from '../../../main/core/erasure/erase';
import { silentLog } from '../../../main/core/log';
import { receiptBook } from '../../../main/core/privacy/ledgers';
import { RateLimiter } from '../../../main/core/rate-limit';
import { configureReverify } from '../../../main/core/security/reverify';
import { purposeKey } from '../../../main/core/vault/keys/purpose-keys';
import type { NewItem } from '../../../main/core/vault/types';
import { newVault, PASS, pseudoRandom, readAll, SMALL_CHUNKS, tempDir } from '../vault/helpers';

const CANARY = 'CANARY-7f3e9a-ERASE-ME';

function photo(n: number, bytes: Buffer, text = `holiday photo ${n}`): NewItem {
  return { category: 'photo', sourceKey: `photo-${n}`, occurredAt: 1_600_000_000_000 + n, title: `IMG_${n}.jpg`, text, fields: { n }, personal: true, files: [{ role: 'original', name: `IMG_${n}.jpg`, mime: 'image/jpeg', data: bytes }] };
}

async function call(core: Core, method: string, input: unknown): Promise<unknown> {
  const r = await dispatch(core, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

async function waitJob(core: Core, id: string): Promise<{ state: string; summary: string | null; error: unknown }> {
  for (;;) {
    const job = core.jobs.get(id);
    if (job.finishedAt) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every file under a folder, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The index with its encryption removed (a copy, rekeyed to no key): every page, free ones too. */
function decryptedIndex(dir: string, core: Core): Buffer {
  const vault = core.vault!;
  vault.indexDb.pragma('wal_checkpoint(TRUNCATE)');
  const copy = join(dir, '..', `${dir.split('/').pop()}-plain.db`);
  copyFileSync(vault.layout.index, copy);
  const db = new Database(copy);
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${purposeKey(vault.masterKey, 'index-db').toString('hex')}'"`);
  db.pragma('journal_mode=DELETE');
  db.pragma(`rekey=''`);
  db.close();
  const plain = readFileSync(copy);
  rmSync(copy);
  expect(plain.subarray(0, 15).toString()).toBe('SQLite format 3');
  return plain;
}

describe('erasure', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: Core;
  let ids: string[];
  const canaryBytes = Buffer.concat([Buffer.from(CANARY), pseudoRandom(200_000, 7)]);

  beforeEach(async () => {
    tmp = tempDir('ks-erase-');
    core = new Core({ dataFolder: tmp.dir, hostKind: 'cli', log: silentLog });
    const { vault } = await newVault(tmp.dir, { chunker: SMALL_CHUNKS, workers: false });
    core.vault = vault;
    configureReverify(core, { kdf: { fastKdfForTests: true } });
    const results = await vault.putItems([photo(1, canaryBytes, `the secret is ${CANARY}`), photo(2, pseudoRandom(150_000, 8)), photo(3, pseudoRandom(90_000, 9))]);
    ids = results.map((r) => r.id);
    await vault.createSnapshot({ label: 'before' });
  });
  afterEach(async () => {
    await core.close();
    tmp.cleanup();
  });

  it('previews, needs a fresh passphrase, erases, and issues a receipt', async () => {
    const preview = (await call(core, 'erase.preview', { selection: { itemIds: [ids[0]] } })) as { itemIds: string[]; counts: Record<string, number>; locations: Array<{ kind: string }>; scope: string };
    expect(preview.itemIds).toEqual([ids[0]]);
    expect(preview.counts).toEqual({ photo: 1 });
    expect(preview.locations.map((l) => l.kind).sort()).toEqual(['snapshot', 'vault']);
    expect(preview.scope).toContain('(1 photo)');

    await expect(call(core, 'erase.start', { itemIds: preview.itemIds, scope: preview.scope })).rejects.toMatchObject({ code: 'REVERIFY' });
    await call(core, 'security.verifyIdentity', { passphrase: PASS });
    const job = (await call(core, 'erase.start', { itemIds: preview.itemIds, scope: preview.scope })) as { id: string };
    const done = await waitJob(core, job.id);
    expect(done.state).toBe('succeeded');

    const receipts = (await call(core, 'receipts.list', {})) as Array<{ id: string; counts: Record<string, number>; locations: Array<{ kind: string; outcome: string; items: number }>; complete: boolean }>;
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.counts).toEqual({ photo: 1 });
    expect(receipts[0]!.complete).toBe(true);
    expect(receipts[0]!.locations).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'vault', outcome: 'erased', items: 1 }), expect.objectContaining({ kind: 'snapshot', outcome: 'erased', items: 1 })]),
    );
    expect(JSON.stringify(receipts)).not.toContain(CANARY);
    expect(await call(core, 'receipts.verify', {})).toEqual({ ok: true, count: 1 });
    const one = (await call(core, 'receipts.get', { id: receipts[0]!.id })) as { html: string };
    expect(one.html).toContain('Erasure receipt');

    expect(core.vault!.getItem(ids[0]!)).toBeNull();
    expect(core.vault!.search(CANARY)).toEqual([]);
  });

  it('names its own receipt: the job result and erase.start carry its id, even when an older receipt gets a newer revision', async () => {
    // An older erase whose phone line is pending: a phone acknowledging it later gives it a new revision.
    const book = receiptBook(core);
    const older = book.issue({ kind: 'erasure', scope: 'an older erase', requestedAt: 1, counts: { photo: 1 }, locations: [{ location: 'Pixel 8', kind: 'phone', deviceId: 'dev-1', outcome: 'pending', items: 1 }] });
    await call(core, 'security.verifyIdentity', { passphrase: PASS });
    const job = (await call(core, 'erase.start', { itemIds: [ids[1]], scope: 'this erase' })) as { id: string; receiptId: string };
    expect(job.receiptId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await waitJob(core, job.id)).state).toBe('succeeded');
    book.revise(older.id, (b) => ({ ...b, locations: b.locations.map((l) => ({ ...l, outcome: 'erased' as const, doneAt: 2 })) }));

    // The newest by sequence is now the older receipt; the id names this erase's own.
    const list = (await call(core, 'receipts.list', {})) as Array<{ id: string }>;
    expect(list[0]!.id).toBe(older.id);
    const own = (await call(core, 'receipts.get', { id: job.receiptId })) as { receipt: { id: string; scope: string; counts: Record<string, number> } };
    expect(own.receipt).toMatchObject({ id: job.receiptId, scope: 'this erase', counts: { photo: 1 } });

    // The job's own result is that receipt too.
    const started = startErase(core, new RateLimiter(() => Date.now()), { itemIds: [ids[2]!], scope: 'a third erase' });
    const result = await started.result;
    expect(result.id).toBe(started.receiptId);
    expect(book.get(started.receiptId)?.scope).toBe('a third erase');
  });

  it('keeps an erased item from coming back, and leaves other items readable', async () => {
    await call(core, 'security.verifyIdentity', { passphrase: PASS });
    const job = (await call(core, 'erase.start', { itemIds: [ids[0]], scope: 'one photo' })) as { id: string };
    await waitJob(core, job.id);
    const again = await core.vault!.putItems([photo(1, canaryBytes, `the secret is ${CANARY}`)]);
    expect(again[0]!.status).toBe('tombstoned');
    expect(core.vault!.getItem(ids[0]!)).toBeNull();
    const other = await readAll(core.vault!.readFile(ids[1]!, 'original'));
    expect(other.equals(pseudoRandom(150_000, 8))).toBe(true);
    const check = await core.vault!.check({ readData: true });
    expect(check.ok).toBe(true);
  });

  it('does not erase items under legal hold and says so on the receipt', async () => {
    await call(core, 'holds.add', { itemId: ids[1], reason: 'Court order 2026-17' });
    await call(core, 'security.verifyIdentity', { passphrase: PASS });
    const preview = (await call(core, 'erase.preview', { selection: { category: 'photo' } })) as { itemIds: string[]; held: number };
    expect(preview.held).toBe(1);
    expect(preview.itemIds).not.toContain(ids[1]);
    const job = (await call(core, 'erase.start', { itemIds: ids, scope: 'all photos' })) as { id: string };
    await waitJob(core, job.id);
    const [receipt] = (await call(core, 'receipts.list', {})) as Array<{ locations: Array<{ outcome: string; items: number }> }>;
    expect(receipt!.locations).toContainEqual(expect.objectContaining({ outcome: 'held', items: 1 }));
    expect(core.vault!.getItem(ids[1]!)).not.toBeNull();
    expect(core.vault!.getItem(ids[2]!)).toBeNull();
  });

  it('leaves no trace of the erased item in any file, even decrypted (rows 40–41, local)', async () => {
    const vault = core.vault!;
    const wrapped = vault.indexDb.prepare('SELECT wrapped_key FROM items WHERE id = ?').get(ids[0]) as { wrapped_key: Buffer };
    // Negative control: before the erase, the decrypted index does hold the canary and the key.
    const before = decryptedIndex(tmp.dir, core);
    expect(before.includes(Buffer.from(CANARY))).toBe(true);
    expect(before.includes(wrapped.wrapped_key)).toBe(true);
    await call(core, 'security.verifyIdentity', { passphrase: PASS });
    const job = (await call(core, 'erase.start', { itemIds: [ids[0]], scope: 'one photo' })) as { id: string };
    expect((await waitJob(core, job.id)).state).toBe('succeeded');

    const needles = [Buffer.from(CANARY), canaryBytes.subarray(100_000, 100_064), wrapped.wrapped_key];
    // 1. Raw files: DB, WAL, packs, logs, key slots, settings.
    for (const file of walk(tmp.dir)) {
      const bytes = readFileSync(file);
      for (const n of needles) expect(bytes.includes(n), `${file} holds a trace`).toBe(false);
    }
    // 2. The index decrypted whole, free pages included.
    const plain = decryptedIndex(tmp.dir, core);
    expect(plain.includes(Buffer.from('holiday photo 2'))).toBe(true); // the decryption really worked
    for (const n of needles) expect(plain.includes(n)).toBe(false);
  });
});
