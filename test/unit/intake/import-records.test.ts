// The import job's bulk path for row-only items (vault.putRecords; batches of 2,000 here
// instead of RECORD_BATCH_ITEMS, to keep the test short) on a real encrypted vault: a file
// larger than one batch is stored whole and reconciled with its count, a cancel after the
// first batch keeps it and a rerun adds exactly the rest, and an MMS listed twice — first
// without its attachment, then with it — ends as the version with the attachment (the job
// keeps order between record and file batches).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../../common/errors';
import { Core } from '../../../main/core/core';
import { runImport, type ImportControl } from '../../../main/core/intake/import-job';
import { silentLog } from '../../../main/core/log';
import { get, sql } from '../../../main/core/vault/sql';
import { Vault } from '../../../main/core/vault/vault';

let dir: string;
let core: Core;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keepsake-import-records-'));
  core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(core.dataFolder, 'correct horse battery staple', { fastKdfForTests: true })).vault;
});

afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

const quiet = (checkpoint: () => Promise<void> = async () => {}): ImportControl => ({ report() {}, checkpoint });
const itemCount = () => get<{ n: number }>(core.vault!.indexDb, sql`SELECT count(*) AS n FROM items`)!.n;

function smsFile(count: number): string {
  const lines = Array.from({ length: count }, (_, n) => `<sms address="+1555${n}" date="${1_600_000_000_000 + n * 1000}" type="1" body="Message ${n}" read="1" />`);
  const path = join(dir, 'sms-many.xml');
  writeFileSync(path, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${count}">\n${lines.join('\n')}\n</smses>\n`);
  return path;
}

const BATCH = 2000;
const options = { recordBatchItems: BATCH };

describe('import job: row-only items in bulk', () => {
  const total = BATCH + 600;

  it('stores a file larger than one batch, reconciled with its count, and a second run adds nothing', async () => {
    const path = smsFile(total);
    const r = await runImport(core, [path], quiet(), undefined, options);
    expect(r.files[0]).toMatchObject({ status: 'imported', items: { message: total }, added: total, notes: [] });
    expect(itemCount()).toBe(total);
    expect(core.vault!.search('Message 2599')).toHaveLength(1);
    const again = await runImport(core, [path], quiet(), undefined, options);
    expect(again.files[0]).toMatchObject({ status: 'duplicate', duplicates: total, added: 0 });
    expect(itemCount()).toBe(total);
  });

  it('keeps the first batch when cancelled after it, and a rerun stores exactly the rest', async () => {
    const path = smsFile(total);
    const cancelAfterFirstBatch = async () => {
      if (itemCount() >= BATCH) throw new KeepsakeError('CANCELLED', 'Cancelled.');
    };
    await expect(runImport(core, [path], quiet(cancelAfterFirstBatch), undefined, options)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(itemCount()).toBe(BATCH);
    const rerun = await runImport(core, [path], quiet(), undefined, options);
    expect(rerun.files[0]).toMatchObject({ status: 'imported', items: { message: total }, added: 600, duplicates: BATCH });
    expect(itemCount()).toBe(total);
  });

  it('cuts a batch of large records by bytes as well as by count (memory stays bounded)', async () => {
    // 300 messages of ~20 KB each: far below the 2,000-item batch, past a 1 MB byte cap.
    const big = 'x'.repeat(20_000);
    const lines = Array.from({ length: 300 }, (_, n) => `<sms address="+1555${n}" date="${1_600_000_000_000 + n * 1000}" type="1" body="Long ${n} ${big}" read="1" />`);
    const path = join(dir, 'sms-long.xml');
    writeFileSync(path, `<smses count="300">\n${lines.join('\n')}\n</smses>\n`);
    const seen: number[] = [];
    const countEachCommit = async () => {
      seen.push(itemCount());
    };
    const r = await runImport(core, [path], quiet(countEachCommit), undefined, { recordBatchItems: BATCH, recordBatchBytes: 1024 * 1024 });
    expect(r.files[0]).toMatchObject({ status: 'imported', added: 300 });
    const commits = [...new Set(seen)].filter((n) => n > 0 && n < 300);
    expect(commits.length).toBeGreaterThanOrEqual(4); // ~50 records per MB-sized batch
    expect(Math.min(...commits)).toBeLessThanOrEqual(60);
  });

  it('an MMS listed twice, first without and then with its attachment, ends with the attachment', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    const mms = (parts: string) =>
      `<mms date="1600000000000" msg_box="1" address="+15551" m_id="same-id"><parts><part seq="0" ct="text/plain" text="hello" />${parts}</parts><addrs /></mms>`;
    const path = join(dir, 'mms-twice.xml');
    writeFileSync(path, `<smses count="3">${mms('')}<sms address="+15552" date="1" type="1" body="between" />${mms(`<part seq="1" ct="image/png" cl="p.png" data="${png}" />`)}</smses>`);
    const r = await runImport(core, [path], quiet(), undefined, options);
    expect(r.files[0]).toMatchObject({ items: { message: 3 } });
    const id = get<{ id: string }>(core.vault!.indexDb, sql`SELECT item_id AS id FROM item_sources WHERE source_key LIKE 'mms-id:%'`)!.id;
    const item = core.vault!.getItem(id)!;
    expect(item.version).toBe(2);
    expect(item.files.map((f) => f.name)).toEqual(['p.png']);
  });
});
