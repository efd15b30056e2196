// SMS Backup & Restore fixtures (messages/): every file imported with its SMS, MMS and
// call counts and the addresses, bodies, times and attachments it holds, or refused with
// a reason (malformed XML); corrupt base64 refuses only that attachment; a stated count
// that does not match is a note, not a failure; a truncated file keeps what was read.
import { describe, expect, it } from 'vitest';
import { importSmsXml } from '../../../../main/core/intake/records/sms-xml';
import { fieldsOf, fileBytes, fixtureFiles, runFixture } from './helpers';

type MsgFields = { kind: string; direction: string; address: string; body: string; contactName?: string; subject?: string; parts?: Array<Record<string, unknown>>; addresses?: Array<Record<string, string>>; attributes: Record<string, string>; truncated?: boolean; number?: string; durationSeconds?: number };

/** [sms, mms, call] per file; null = refused as a whole. */
const COUNTS: Record<string, [number, number, number] | null> = {
  'frodeto__test-smses.xml': [2, 2, 0],
  'sbr2__corrupt_attachments.xml': [0, 2, 0],
  'sbr2__empty.xml': [0, 0, 0],
  'sbr2__sms_and_mms.xml': [41, 9, 0], // the file is cut off inside the 9th MMS
  'sbr2__sms_small.xml': [12, 0, 0],
  'sbrrend__test_archive.xml': [3, 1, 0],
  'shruggie__edge_cases.xml': [3, 1, 0],
  'shruggie__malformed.xml': null,
  'shruggie__minimal_calls.xml': [0, 0, 1],
  'shruggie__minimal_mms.xml': [0, 1, 0],
  'shruggie__mixed.xml': [3, 1, 0],
};

describe('SMS Backup & Restore fixtures', () => {
  it('covers every file in messages/ with its SMS, MMS and call counts', async () => {
    const files = fixtureFiles('messages');
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(Object.keys(COUNTS).sort());
    for (const rel of files) {
      const out = await runFixture(importSmsXml, rel);
      const want = COUNTS[rel.split('/').pop()!];
      if (want === null) {
        expect(out.error?.code, rel).toBe('CORRUPT');
        expect(out.items).toEqual([]);
        continue;
      }
      expect(out.error, rel).toBeNull();
      const kinds = (k: string) => out.items.filter((i) => fieldsOf<MsgFields>(i).kind === k).length;
      const calls = out.items.filter((i) => i.category === 'call').length;
      expect([kinds('sms'), kinds('mms'), calls], rel).toEqual(want);
    }
  });

  it('reads SMS addresses, bodies with &#10; newlines, directions and times', async () => {
    const { items, notes, refusals } = await runFixture(importSmsXml, 'messages/sbr2__sms_small.xml');
    expect(refusals).toEqual([]);
    expect(notes).toEqual([]);
    const first = fieldsOf<MsgFields>(items[0]);
    expect(items[0]!.title).toBe('Contact A');
    expect(first.address).toBe('+15550000001');
    expect(first.body).toBe('Body text 1');
    expect(items[0]!.occurredAt).toBe(1512226167463);
    expect(items.some((i) => fieldsOf<MsgFields>(i).body.includes('\n'))).toBe(true);
    expect(new Set(items.map((i) => fieldsOf<MsgFields>(i).direction))).toEqual(new Set(['received', 'sent']));
  });

  it('keeps MMS parts: text, SMIL and base64 images as files, with addresses', async () => {
    const { items } = await runFixture(importSmsXml, 'messages/shruggie__minimal_mms.xml');
    const f = fieldsOf<MsgFields>(items[0]);
    expect(items[0]!.title).toBe('Alice Smith');
    expect(f.subject).toBe('Test MMS Subject');
    expect(f.body).toBe('Hello from MMS!');
    expect(f.addresses?.map((a) => `${a.address}/${a.type}`)).toEqual(['+15559876543/137', '+15551234567/151']);
    expect(f.parts?.map((p) => p.ct)).toEqual(['application/smil', 'text/plain', 'image/jpeg']);
    expect(String(f.parts?.[0]?.text)).toContain('<smil>');
    const img = fileBytes(items[0]!, 'image.jpg');
    expect(img.subarray(1, 4).toString('latin1')).toBe('PNG'); // declared image/jpeg, really a PNG: bytes kept as sent
    expect(items[0]!.occurredAt).toBe(1609545600000);
  });

  it('refuses only the attachment with corrupt base64, with its position, and keeps the message', async () => {
    const out = await runFixture(importSmsXml, 'messages/sbr2__corrupt_attachments.xml');
    expect(out.items.map((i) => fieldsOf<MsgFields>(i).body)).toEqual(['MMS with corrupted base64 image data', 'MMS with unsupported attachment type']);
    expect(out.items.every((i) => !i.files)).toBe(true);
    expect(out.refusals).toEqual([
      { position: 'message 1 (line 5), part 1', reason: expect.stringMatching(/"corrupt_image.png" is not valid base64.*message itself was kept/) },
      { position: 'message 2 (line 16), part 1', reason: expect.stringMatching(/"corrupt.file" is not valid base64/) },
    ]);
  });

  it('reports a count mismatch as a note and keeps the Samsung attributes', async () => {
    const out = await runFixture(importSmsXml, 'messages/frodeto__test-smses.xml');
    expect(out.notes).toEqual(['The file says it holds 12028 messages, but 4 were found; all 4 were imported.']);
    const mms = out.items.filter((i) => fieldsOf<MsgFields>(i).kind === 'mms');
    expect(fieldsOf<MsgFields>(mms[0]).body).toMatch(/^Haha, ja, morsomt! 😄/);
    expect(fileBytes(mms[1]!, '6469943001.jpg').length).toBe(457);
    expect(fieldsOf<MsgFields>(out.items[0]).attributes['readable_date']).toBeDefined();
  });

  it('keeps a truncated file up to the cut and the partial MMS, refusing the rest with the line', async () => {
    const out = await runFixture(importSmsXml, 'messages/sbr2__sms_and_mms.xml');
    const last = out.items[out.items.length - 1]!;
    expect(fieldsOf<MsgFields>(last).truncated).toBe(true);
    expect(fieldsOf<MsgFields>(last).contactName).toBe('Contact E');
    expect(out.refusals).toEqual([{ position: 'line 136', reason: expect.stringMatching(/broken at line 136.*Everything before that point was kept/) }]);
  });

  it('joins SBR surrogate-pair character references into emoji, and reads multi-line base64 parts', async () => {
    const out = await runFixture(importSmsXml, 'messages/sbrrend__test_archive.xml');
    expect(out.items.map((i) => fieldsOf<MsgFields>(i).body)).toContain('😁 😍');
    const mms = out.items.find((i) => fieldsOf<MsgFields>(i).kind === 'mms')!;
    const jpeg = fileBytes(mms, 'part-1');
    expect(jpeg.length).toBe(244492);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(out.items.map((i) => fieldsOf<MsgFields>(i).address)).toEqual(['+1 (234) 567-8910', '234-567-8910', '(234)567-8910', '(234) 567-8910']);
  });

  it('reads edge cases: emoji via numeric entities, empty bodies, MMS with empty parts', async () => {
    const out = await runFixture(importSmsXml, 'messages/shruggie__edge_cases.xml');
    const bodies = out.items.map((i) => fieldsOf<MsgFields>(i).body);
    expect(bodies).toContain('Hello 🌍 — this has «special» chars & symbols < > " \'');
    expect(bodies).toContain('');
    expect(out.items[0]!.title).toBe('+15551112222'); // no contact name: the number
  });

  it('reads call logs with number, duration, type and time', async () => {
    const { items } = await runFixture(importSmsXml, 'messages/shruggie__minimal_calls.xml');
    expect(items).toHaveLength(1);
    const f = fieldsOf<MsgFields>(items[0]);
    expect(items[0]!.category).toBe('call');
    expect(items[0]!.title).toBe('Alice Smith');
    expect(f.number).toBe('+15551234567');
    expect(f.durationSeconds).toBe(125);
    expect(f.kind).toBe('incoming');
    expect(items[0]!.occurredAt).toBe(1609632000000);
  });

  it('imports an empty backup (count="0") as nothing, without a note', async () => {
    const out = await runFixture(importSmsXml, 'messages/sbr2__empty.xml');
    expect(out).toMatchObject({ items: [], refusals: [], notes: [], error: null });
  });

  it('refuses malformed XML as a whole with the line and column', async () => {
    const out = await runFixture(importSmsXml, 'messages/shruggie__malformed.xml');
    expect(out.error?.message).toBe('The XML is broken at line 4, column 3: disallowed character in attribute name.');
  });
});
