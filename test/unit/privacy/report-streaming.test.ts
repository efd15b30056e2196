// "Download my data" on a large vault: Records/<category>.json and index.json are streamed
// (json-stream.ts, entry-spool.ts) instead of built as one string, which threw
// "Invalid string length" above ~450,000 messages. Checked: the streaming writer gives
// byte for byte what JSON.stringify(doc, null, 2) gave (property test); on a real vault
// the item pass writes exactly the files the old whole-document builder wrote; and over a
// generated vault of many records the live heap stays flat (what the old builder kept — every
// record of a category in one array — would exceed the bound many times over).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecoveryReport } from '../../../common/contract/recovery';
import type { Core } from '../../../main/core/core';
import { writeItemFiles } from '../../../main/core/privacy-report/item-files';
import { JsonDocumentStream } from '../../../main/core/privacy-report/json-stream';
import { all, sql } from '../../../main/core/vault/sql';
import type { NewItem } from '../../../main/core/vault/types';
import { cleanup, newCore, quiet, tempDir } from '../recovery/helpers';

/** What the bundle writer used to do: the whole document as one string. */
const whole = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

/** The report the item pass reads: no standard-format files (records only). */
const emptyReport = (root: string): RecoveryReport => ({
  id: 'r',
  state: 'finished',
  target: { kind: 'bundle', dir: root },
  startedAt: 0,
  finishedAt: 0,
  categories: [],
  location: { precision: 'precise', consentId: null, shared: 0, coarsened: 0, removed: 0, notes: [], purgeReceiptId: null },
  ok: true,
  erasedLeftOut: 0,
} as unknown as RecoveryReport);

const sms = (n: number): NewItem => ({
  category: 'message',
  sourceKey: `sms:${n}`,
  occurredAt: 1_600_000_000_000 + n * 1000,
  title: `Person ${n % 97}`,
  text: `Person ${n % 97}\n+1555${n}\nMessage ${n} about the zeppelin ${'and the weather '.repeat(20)}${n}`,
  fields: { kind: 'sms', address: `+1555${n}`, body: `Message ${n} about the zeppelin ${'and the weather '.repeat(20)}${n}`, attributes: { read: '1', type: '1', thread: String(n % 31) } },
  personal: true,
});
const contact = (n: number): NewItem => ({
  category: 'contact',
  sourceKey: `vcf:${n}`,
  title: `Ada Lovelace ${n}`,
  text: `Ada Lovelace ${n}\nada${n}@example.org`,
  fields: { emails: [`ada${n}@example.org`], phones: [`+4420${n}`], note: 'line one\nline two "quoted" \\ back' },
  personal: true,
});

async function fill(core: Core, items: NewItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += 10_000) await core.vault!.putRecords(items.slice(i, i + 10_000));
}

describe('JsonDocumentStream', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('json-stream');
  });
  afterEach(() => cleanup(dir));

  it('writes exactly what JSON.stringify(doc, null, 2) wrote, for any values and arrays', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 8 }), fc.array(fc.jsonValue(), { maxLength: 4 }), fc.boolean(), async (head, items, tail, headFirst) => {
        const path = join(dir, `doc-${n++}.json`);
        const doc = await JsonDocumentStream.open(path);
        if (headFirst) await doc.field('head', head);
        doc.beginArray('items');
        for (const v of items) await doc.push(v);
        doc.endArray();
        doc.beginArray('tail');
        for (const v of tail) await doc.push(v);
        doc.endArray();
        const written = await doc.close();
        const expected = whole(headFirst ? { head, items, tail } : { items, tail });
        const bytes = readFileSync(path);
        expect(bytes.toString('utf8')).toBe(expected);
        expect(written.size).toBe(bytes.length);
      }),
      { numRuns: 150 },
    );
  });

  it('writes an empty document, skips undefined like JSON does, and writes null for an undefined element', async () => {
    const a = join(dir, 'a.json');
    await (await JsonDocumentStream.open(a)).close();
    expect(readFileSync(a, 'utf8')).toBe(whole({}));
    const b = join(dir, 'b.json');
    const doc = await JsonDocumentStream.open(b);
    await doc.field('gone', undefined);
    await doc.field('kept', { x: undefined, y: 1 });
    doc.beginArray('list');
    await doc.push(undefined);
    await doc.push('é\n"');
    await doc.close();
    expect(readFileSync(b, 'utf8')).toBe(whole({ gone: undefined, kept: { x: undefined, y: 1 }, list: [undefined, 'é\n"'] }));
  });

  it('leaves nothing under the final name when abandoned', async () => {
    const p = join(dir, 'c.json');
    const doc = await JsonDocumentStream.open(p);
    doc.beginArray('items');
    await doc.push({ secret: 'x' });
    await doc.abort();
    expect(() => readFileSync(p)).toThrow();
  });
});

describe('the item pass, streamed', () => {
  let dir: string;
  let core: Core;
  beforeEach(async () => {
    dir = tempDir('report-stream');
    core = await newCore(dir);
  });
  afterEach(() => {
    core.vault?.close();
    cleanup(dir);
  });

  it('writes Records/<category>.json byte for byte as the whole-document builder did, and the same index entries', async () => {
    await fill(core, [...Array.from({ length: 40 }, (_, i) => sms(i)), ...Array.from({ length: 7 }, (_, i) => contact(i))]);
    const vault = core.vault!;
    const root = join(dir, 'bundle');
    const pass = await writeItemFiles(vault, root, emptyReport(root), quiet);

    // The old builder, from the same vault: every record of a category in one array.
    const ids = all<{ id: string }>(vault.indexDb, sql`SELECT id FROM items ORDER BY category, coalesce(occurred_at, 0), id`).map((r) => r.id);
    const byCat = new Map<string, unknown[]>();
    for (const id of ids) {
      const item = vault.getItem(id)!;
      const files = item.files.filter((f) => f.role !== 'thumbnail').map(({ role, name, mime, size }) => ({ role, name, mime, size }));
      const rec = { id, title: item.title, text: item.text, occurredAt: item.occurredAt, createdAt: item.createdAt, updatedAt: item.updatedAt, device: item.deviceId, personal: item.personal, location: item.location, fields: item.fields, files };
      byCat.set(item.category, [...(byCat.get(item.category) ?? []), rec]);
    }
    expect([...byCat.keys()]).toEqual(['contact', 'message']);
    for (const [cat, list] of byCat) {
      const expected = whole({ format: 'keepsake-records', version: 1, category: cat, items: list });
      expect(readFileSync(join(root, 'Records', `${cat}.json`), 'utf8')).toBe(expected);
      const f = pass.files.find((x) => x.path === `Records/${cat}.json`)!;
      expect(f.size).toBe(Buffer.byteLength(expected));
    }
    expect(pass.counts).toEqual({ contact: 7, message: 40 });
    expect(pass.itemIds).toEqual(ids);
    const entries = [];
    for await (const e of pass.entries.entries()) entries.push(e);
    expect(entries.map((e) => e.id)).toEqual(ids);
    const first = vault.getItem(ids[0]!)!;
    expect(entries[0]).toEqual({
      id: ids[0],
      category: 'contact',
      title: first.title,
      occurredAt: first.occurredAt,
      createdAt: first.createdAt,
      updatedAt: first.updatedAt,
      device: first.deviceId || null,
      storedIn: [{ location: 'This computer', kind: 'vault', state: 'present', encryption: expect.any(String) }],
      files: ['Records/contact.json'],
    });
    await pass.entries.remove();
  });

  it('keeps the live heap flat over a generated vault of many records (no array of every record is built)', async () => {
    const total = Number(process.env.KEEPSAKE_REPORT_STREAM_RECORDS ?? 20_000);
    await fill(core, Array.from({ length: total }, (_, i) => sms(i)));
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const root = join(dir, 'bundle');
    const base = live();
    let peak = 0;
    const control = {
      report(p: { done?: number }) {
        if (p.done !== undefined && p.done % 5_000 === 0) peak = Math.max(peak, live() - base);
      },
      async checkpoint() {},
    };
    const pass = await writeItemFiles(core.vault!, root, emptyReport(root), control);
    const file = pass.files.find((f) => f.path === 'Records/message.json')!;
    console.log(`report-streaming: ${total} records, Records/message.json ${(file.size / 1e6).toFixed(1)} MB, live heap growth peak ${(peak / 1e6).toFixed(1)} MB (load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
    expect(pass.counts).toEqual({ message: total });
    // What stays per item is its id (~100 bytes); the records themselves would be ~1 KB each
    // in the file and several times that as live objects.
    expect(peak).toBeLessThan(total * 400 + 8e6);
    expect(peak).toBeLessThan(file.size / 2);
    const parsed = JSON.parse(readFileSync(join(root, 'Records', 'message.json'), 'utf8')) as { items: Array<{ id: string }> };
    expect(parsed.items.map((r) => r.id)).toEqual(pass.itemIds);
    await pass.entries.remove();
  }, 240_000);
});
