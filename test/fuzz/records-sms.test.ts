// fast-check properties for the SMS Backup & Restore parser and writer: messages and
// calls with any text (emoji, &, <, quotes, newlines) survive write → parse, MMS
// attachments keep their bytes, and arbitrary or mutated XML ends in items or a KeepsakeError.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importSmsXml } from '../../main/core/intake/records/sms-xml';
import { writeCallsXml, writeSmsXml } from '../../main/core/intake/records/sms-xml-writer';
import { withoutControls } from '../../main/core/intake/records/util';
import type { ParsedItem } from '../../main/core/intake/types';
import { FIXTURES, fixtureFiles, runBytes } from '../unit/intake/records/helpers';

/** Text XML 1.0 can carry (no other control characters, no U+FFFE/U+FFFF). */
const xmlText = fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => withoutControls(s, '\t\n\r').replace(/[\ufffe\uffff]/g, ''));

const sms = fc.record({ address: fc.stringMatching(/^\+?[0-9]{3,15}$/), body: xmlText, date: fc.integer({ min: 0, max: 4_102_444_800_000 }), type: fc.integer({ min: 1, max: 6 }), contact_name: xmlText });

function smsItem(a: Record<string, string | number>): ParsedItem {
  return { category: 'message', sourceKey: 'x', fields: { kind: 'sms', attributes: Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)])) }, personal: true };
}

describe('SMS Backup & Restore properties', () => {
  it('parse(write(messages)) gives the same addresses, bodies, times and directions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sms, { maxLength: 20 }), async (msgs) => {
        const out = await runBytes(importSmsXml, 'sms.xml', writeSmsXml(msgs.map(smsItem)));
        expect(out.error).toBeNull();
        expect(out.notes).toEqual([]);
        expect(out.items.map((i) => [i.fields.address, i.fields.body, i.occurredAt, (i.fields.attributes as Record<string, string>).type])).toEqual(msgs.map((m) => [m.address, m.body, m.date, String(m.type)]));
        const again = await runBytes(importSmsXml, 'sms2.xml', writeSmsXml(out.items));
        expect(again.items.map((i) => i.sourceKey)).toEqual(out.items.map((i) => i.sourceKey));
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips MMS parts with their attachment bytes, and calls', async () => {
    const src = await runBytes(importSmsXml, 'm.xml', readFileSync(join(FIXTURES, 'messages/shruggie__minimal_mms.xml')));
    const again = await runBytes(importSmsXml, 'm2.xml', writeSmsXml(src.items));
    expect(again.items[0]!.fields).toEqual(src.items[0]!.fields);
    expect((again.items[0]!.files![0]!.data as Buffer).equals(src.items[0]!.files![0]!.data as Buffer)).toBe(true);
    const calls = await runBytes(importSmsXml, 'c.xml', readFileSync(join(FIXTURES, 'messages/shruggie__minimal_calls.xml')));
    const callsAgain = await runBytes(importSmsXml, 'c2.xml', writeCallsXml(calls.items));
    expect(callsAgain.items.map((i) => i.fields)).toEqual(calls.items.map((i) => i.fields));
  });

  it('never throws anything but KeepsakeError on arbitrary XML-ish text', async () => {
    const token = fc.constantFrom('<smses count="2">', '</smses>', '<sms address="1" date="2" body="x"/>', '<mms>', '</mms>', '<parts>', '<part data="@@" ct="image/png"/>', '<!DOCTYPE x [<!ENTITY a "b">]>', '&a;', '&#55357;', '<calls>', '<call number="1"/>', '<!--', '-->', '<![CDATA[', ']]>', '"', '<', '>', '&');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(token, fc.string({ maxLength: 10 })), { maxLength: 40 }), async (parts) => {
        await runBytes(importSmsXml, 'x.xml', parts.join(''));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws anything but KeepsakeError on mutated real backups', async () => {
    const files = fixtureFiles('messages').map((rel) => readFileSync(join(FIXTURES, rel))).filter((b) => b.length < 100_000);
    await fc.assert(
      fc.asyncProperty(fc.nat(files.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), fc.option(fc.nat()), async (i, flips, cut) => {
        const b = Buffer.from(files[i]!);
        for (const [pos, v] of flips) if (b.length) b[pos % b.length] = v;
        await runBytes(importSmsXml, 'x.xml', cut === null ? b : b.subarray(0, cut % (b.length + 1)));
      }),
      { numRuns: 300 },
    );
  });
});
