// SMS Backup & Restore XML parsed on a worker thread (parse-worker.ts) must give exactly
// what the same parser gives on the main thread — items (attachments as Buffers), part
// refusals, count notes, whole-file refusals for hostile XML — keep its read-ahead
// bounded, stop the worker when the consumer stops, and fall back to the main thread when
// no worker can start.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_BYTES_IN_FLIGHT, parseInWorker } from '../../../../main/core/intake/records/parse-worker';
import { importSmsXml } from '../../../../main/core/intake/records/sms-xml';
import { bufferInput } from '../../../../main/core/intake/records/util';
import { collectingContext, type ImportInput, type Importer } from '../../../../main/core/intake/types';
import { fixture, fixtureFiles, runImporter } from './helpers';

const inWorker: Importer = (input, ctx) => parseInWorker('sms-xml', importSmsXml, input, ctx);

function smsLine(n: number): string {
  return `  <sms protocol="0" address="+1555${n}" date="${1_600_000_000_000 + n}" type="${1 + (n % 2)}" body="Message ${n} &amp; more" read="1" contact_name="Person ${n % 9}" />\n`;
}

/** A generated SMS XML of `count` messages, produced lazily; `pulled` counts the bytes read from it. */
function generated(count: number): { input: ImportInput; pulled: () => number } {
  let pulled = 0;
  const head = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${count}">\n`;
  const size = Buffer.byteLength(head) + Array.from({ length: count }, (_, n) => Buffer.byteLength(smsLine(n))).reduce((a, b) => a + b, 0) + 9;
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(head);
    for (let n = 0; n < count; ) {
      let s = '';
      for (let i = 0; i < 200 && n < count; i++, n++) s += smsLine(n);
      const b = Buffer.from(s);
      pulled += b.length;
      yield b;
    }
    yield Buffer.from('</smses>\n');
  }
  return { input: { path: 'generated.xml', size, open: () => Readable.from(chunks(), { objectMode: false, highWaterMark: 1 }) }, pulled: () => pulled };
}

describe('SMS XML on a worker thread', () => {
  it('gives the same items, refusals, notes and errors as the main thread for every fixture', async () => {
    const files = fixtureFiles('messages');
    expect(files.length).toBeGreaterThan(5);
    for (const rel of files) {
      const inline = await runImporter(importSmsXml, fixture(rel));
      const worker = await runImporter(inWorker, fixture(rel));
      expect(worker.items, rel).toEqual(inline.items);
      expect(worker.refusals, rel).toEqual(inline.refusals);
      expect(worker.notes, rel).toEqual(inline.notes);
      expect(worker.error?.code, rel).toBe(inline.error?.code);
      expect(worker.error?.message, rel).toBe(inline.error?.message);
      for (const item of worker.items) for (const f of item.files ?? []) expect(Buffer.isBuffer(f.data), rel).toBe(true);
    }
  });

  it('refuses DTDs and entities on the worker exactly as on the main thread', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><smses count="1"><sms address="1" date="1" type="1" body="&b;"/></smses>`;
    const out = await runImporter(inWorker, bufferInput('sms.xml', Buffer.from(laughs)));
    expect(out.items).toEqual([]);
    expect(out.error?.code).toBe('UNSUPPORTED');
    expect(out.error?.message).toMatch(/declares a DTD/);
    const cut = await runImporter(inWorker, bufferInput('sms.xml', Buffer.from(`<smses count="3">${smsLine(1)}${smsLine(2)}<sms address="x`)));
    expect(cut.items).toHaveLength(2);
    expect(cut.refusals[0]!.reason).toMatch(/Everything before that point was kept/);
  });

  it('streams a large file with bounded read-ahead and the file\'s count reconciled', async () => {
    const g = generated(60_000);
    const ctx = collectingContext();
    const it = inWorker(g.input, ctx)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.fields).toMatchObject({ address: '+15550', body: 'Message 0 & more' });
    // Give the worker every chance to run ahead, then check it could not.
    await new Promise((r) => setTimeout(r, 500));
    expect(g.pulled()).toBeLessThan(MAX_BYTES_IN_FLIGHT + 1024 * 1024);
    let n = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) n++;
    expect(n).toBe(60_000);
    expect(ctx.notes).toEqual([]);
  });

  it('stops reading and ends the worker when the consumer stops early', async () => {
    const g = generated(100_000);
    let n = 0;
    for await (const _ of inWorker(g.input, collectingContext())) if (++n === 10) break;
    const at = g.pulled();
    await new Promise((r) => setTimeout(r, 300));
    expect(g.pulled()).toBe(at);
    expect(at).toBeLessThan(MAX_BYTES_IN_FLIGHT + 1024 * 1024);
  });

  it('parses on the main thread when no worker can start', async () => {
    const broken = new URL('./no-such-worker-entry.mjs', import.meta.url);
    const input = bufferInput('sms.xml', Buffer.from(`<smses count="2">${smsLine(1)}${smsLine(2)}</smses>`));
    const items = [];
    for await (const item of parseInWorker('sms-xml', importSmsXml, input, collectingContext(), { entry: broken })) items.push(item);
    expect(items.map((i) => i.title)).toEqual(['Person 1', 'Person 2']);
  });
});
