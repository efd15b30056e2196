// Acks in the vault's own transaction [Note: Acks in the vault's transaction]: the rows a
// phone sync writes for a commit (device_items, retired uploads, last sync) are written by
// the transaction that stores the items, so they commit together or not at all. Real
// vault, real gateway on loopback, the reference agent.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestItem, IngestResult } from '../../../main/core/devices/sink';
import { VaultIngestSink } from '../../../main/core/devices/vault-sink';
import { all, get, run, sql } from '../../../main/core/vault/sql';
import { pairedAgent, quietLog, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

const photo = (key: string, data: Buffer): IngestItem => ({
  deviceId: 'phone-1',
  sourceKey: key,
  category: 'photo',
  occurredAt: 1_700_000_000_000,
  title: key,
  fields: {},
  file: { name: key, mime: 'image/jpeg', size: data.length, sha256: '', open: () => Readable.from([data]), data },
});

const VCARD = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nTEL:+44 20 7946 0000\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Charles Babbage\r\nEND:VCARD\r\n';

let desktop: Desktop | null = null;
afterEach(async () => {
  await desktop?.close();
  if (desktop) removeAll(desktop.dir);
  desktop = null;
});

describe('VaultIngestSink onDurable', () => {
  it('runs inside the transaction that stores the items, once, with their ids', async () => {
    desktop = await startDesktop();
    const { vault } = desktop;
    const sink = new VaultIngestSink(vault, quietLog);
    const seen: Array<{ inTx: boolean; visible: number; results: IngestResult[] }> = [];
    const out = await sink.putItems([photo('a.jpg', randomBytes(3000)), photo('b.jpg', randomBytes(5000))], (results) => {
      const ids = results.map((r) => r.vaultItemId ?? '');
      const visible = ids.filter((id) => get(vault.indexDb, sql`SELECT 1 AS x FROM items WHERE id = ${id}`)).length;
      seen.push({ inTx: vault.indexDb.inTransaction, visible, results });
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.inTx).toBe(true);
    expect(seen[0]?.visible).toBe(2);
    expect(seen[0]?.results.map((r) => [r.sourceKey, r.status, r.vaultItemId])).toEqual(out.map((r) => [r.sourceKey, r.status, r.vaultItemId]));
  });

  it('rolls the items back when the hook throws, and stores them on the next try', async () => {
    desktop = await startDesktop();
    const { vault } = desktop;
    const sink = new VaultIngestSink(vault, quietLog);
    const data = randomBytes(4000);
    await expect(
      sink.putItems([photo('c.jpg', data)], () => {
        throw new Error('ack rows could not be written');
      }),
    ).rejects.toThrow();
    expect(vault.listItems({ deviceId: 'phone-1' })).toHaveLength(0);
    const [r] = await sink.putItems([photo('c.jpg', data)]);
    expect(r?.status).toBe('stored');
    expect(vault.listItems({ deviceId: 'phone-1' })).toHaveLength(1);
  });

  it('waits for an export’s records: runs after them, outside the file’s transaction', async () => {
    desktop = await startDesktop();
    const { vault } = desktop;
    const sink = new VaultIngestSink(vault, quietLog);
    const data = Buffer.from(VCARD);
    const item: IngestItem = { ...photo('contacts.vcf', data), category: 'contact', file: { name: 'contacts.vcf', mime: 'text/vcard', size: data.length, sha256: '', open: () => Readable.from([data]) } };
    const seen: Array<{ inTx: boolean; contacts: number }> = [];
    await sink.putItems([item], () => {
      seen.push({ inTx: vault.indexDb.inTransaction, contacts: vault.listItems({ category: 'contact' }).length });
    });
    expect(seen).toEqual([{ inTx: false, contacts: 2 }]);
  });
});

describe('a phone sync', () => {
  it('never stores items whose acks could not be written, and acks them all on the next sync', async () => {
    desktop = await startDesktop();
    const phone = tempDir('keepsake-phone-');
    mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(phone, 'DCIM', 'Camera', `IMG_${i}.jpg`), randomBytes(20_000 + i * 1000));
    const agent = await pairedAgent(desktop, phone);
    const deviceId = agent.state.state.desktop?.deviceId ?? '';
    // The ack rows fail to write (as a full disk would): only this connection sees the trigger.
    run(desktop.vault.indexDb, sql`CREATE TEMP TRIGGER refuse_acks BEFORE INSERT ON device_items BEGIN SELECT RAISE(ABORT, 'no space for acks'); END`);
    await expect(agent.sync({ retries: 0 })).rejects.toThrow();
    expect(desktop.vault.listItems({ deviceId })).toHaveLength(0);
    expect(agent.state.acked.size).toBe(0);
    expect(all(desktop.vault.indexDb, sql`SELECT item_id FROM device_items WHERE device_id = ${deviceId}`)).toHaveLength(0);

    run(desktop.vault.indexDb, sql`DROP TRIGGER refuse_acks`);
    const s = await agent.sync();
    expect(s.acked).toBe(5);
    expect(desktop.vault.listItems({ deviceId })).toHaveLength(5);
    expect(all(desktop.vault.indexDb, sql`SELECT item_id FROM device_items WHERE device_id = ${deviceId} AND state = 'stored'`)).toHaveLength(5);
    expect(all(desktop.vault.indexDb, sql`SELECT item_id FROM device_uploads WHERE device_id = ${deviceId}`)).toHaveLength(0);
  });
});
