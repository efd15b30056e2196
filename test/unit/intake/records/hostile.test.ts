// Hostile input for the record parsers (RELIABILITY rows 11, 24, 26, 27): XML entity
// attacks, external entities with a canary file, deep nesting, prototype-polluting names,
// RRULE loops, truncated files, invalid UTF-8, wrong extensions. Each must end in items
// plus plain-words refusals or one KeepsakeError — never a crash, hang or leak.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importEml, importMbox } from '../../../../main/core/intake/records/email';
import { importEnex } from '../../../../main/core/intake/records/enex';
import { EXPANSION_LIMITS, expandInWorker, importICalendar } from '../../../../main/core/intake/records/icalendar';
import { importSmsXml } from '../../../../main/core/intake/records/sms-xml';
import { importVCard } from '../../../../main/core/intake/records/vcard';
import { detectFormat } from '../../../../main/core/intake/registry';
import { fieldsOf, runBytes } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'keepsake-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CANARY = 'CANARY-7f3a9c-never-read';
const canaryPath = join(dir, 'canary.txt');
writeFileSync(canaryPath, CANARY);

const laughs = ['<?xml version="1.0"?>', '<!DOCTYPE smses [', '<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i ? i : ''};`.repeat(10)}">`), ']>', '<smses count="1"><sms address="1" date="1" type="1" body="&lol9;"/></smses>'].join('\n');

describe('XML attacks on SMS Backup & Restore and ENEX', () => {
  it('refuses billion laughs with a plain reason and expands nothing', async () => {
    const out = await runBytes(importSmsXml, 'sms.xml', laughs);
    expect(out.items).toEqual([]);
    expect(out.error?.code).toBe('UNSUPPORTED');
    expect(out.error?.message).toMatch(/declares a DTD .* refused/);
  });

  it('refuses quadratic blowup (one 50 KB entity referenced 10,000 times)', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "${'a'.repeat(50_000)}">]><smses>${'<sms address="1" date="1" type="1" body="&a;"/>'.repeat(10_000)}</smses>`;
    const out = await runBytes(importSmsXml, 'sms.xml', xml);
    expect(out.items).toEqual([]);
    expect(out.error?.code).toBe('UNSUPPORTED');
  });

  it('never reads an external or parameter entity (canary file stays unread)', async () => {
    for (const xml of [
      `<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY x SYSTEM "file://${canaryPath}">]><smses><sms address="1" date="1" type="1" body="&x;"/></smses>`,
      `<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY % p SYSTEM "file://${canaryPath}"> %p;]><smses><sms address="1" date="1" type="1" body="x"/></smses>`,
      `<?xml version="1.0"?><smses><sms address="1" date="1" type="1" body="&x;"/></smses>`,
    ]) {
      const out = await runBytes(importSmsXml, 'sms.xml', xml);
      expect(JSON.stringify(out)).not.toContain(CANARY);
      expect(out.error).not.toBeNull();
    }
    const enex = `<?xml version="1.0"?><!DOCTYPE en-export [<!ENTITY x SYSTEM "file://${canaryPath}">]><en-export><note><title>&x;</title></note></en-export>`;
    const e = await runBytes(importEnex, 'n.enex', enex);
    expect(JSON.stringify(e)).not.toContain(CANARY);
    expect(e.error?.code).toBe('UNSUPPORTED');
  });

  it('caps deep nesting (10,000 levels) with a clear refusal', async () => {
    const xml = `<smses count="1">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</smses>`;
    const out = await runBytes(importSmsXml, 'sms.xml', xml);
    expect(out.error?.message).toMatch(/nests deeper than 32 levels/);
  });

  it('keeps __proto__ and constructor attribute names as data without touching Object.prototype', async () => {
    const out = await runBytes(importSmsXml, 'sms.xml', '<smses count="1"><sms __proto__="polluted" constructor="x" address="5" date="1000" type="1" body="hi"/><__proto__ x="1"/></smses>');
    expect(out.items).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(fieldsOf<{ body: string }>(out.items[0]).body).toBe('hi');
  });

  it('reads invalid UTF-8 bytes as replacement characters instead of failing', async () => {
    const bytes = Buffer.concat([Buffer.from('<smses count="1"><sms address="1" date="1" type="1" body="a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('b"/></smses>')]);
    const out = await runBytes(importSmsXml, 'sms.xml', bytes);
    expect(out.error).toBeNull();
    expect(fieldsOf<{ body: string }>(out.items[0]).body).toMatch(/^a\uFFFD+b$/);
  });
});

describe('iCalendar recurrence bombs', () => {
  it('stops FREQ=SECONDLY forever at the instance cap and keeps the raw rule', async () => {
    const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:loop\r\nDTSTART:20240101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Forever\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const out = await runBytes(importICalendar, 'loop.ics', ics);
    const f = fieldsOf<{ rrule: string; occurrences: number[]; occurrencesTruncated: boolean }>(out.items[0]);
    expect(f.rrule).toBe('FREQ=SECONDLY');
    expect(f.occurrences).toHaveLength(EXPANSION_LIMITS.maxInstances);
    expect(f.occurrencesTruncated).toBe(true);
  });

  it('ends impossible rules (30 February, NaN-ish dates) and still stores the event', async () => {
    for (const rule of ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4', 'FREQ=YEARLY;BYWEEKNO=60', 'FREQ=DAILY;INTERVAL=0', 'FREQ=MINUTELY;BYSETPOS=-400']) {
      const ics = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20240101T000000Z\r\nRRULE:${rule}\r\nSUMMARY:S\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
      const out = await runBytes(importICalendar, 'x.ics', ics);
      if (out.error) {
        expect(out.error.code, rule).toMatch(/CORRUPT|UNSUPPORTED/);
        continue;
      }
      const f = fieldsOf<{ rrule: string; occurrences?: number[] }>(out.items[0]);
      expect(f.rrule, rule).toBe(rule);
      expect((f.occurrences ?? []).length).toBeLessThanOrEqual(EXPANSION_LIMITS.maxInstances);
    }
  });

  it('cuts expansion off when the wall-clock budget runs out, keeping every event', async () => {
    const events = Array.from({ length: 500 }, (_, i) => `BEGIN:VEVENT\r\nUID:e${i}\r\nDTSTART:20240101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:E${i}\r\nEND:VEVENT`).join('\r\n');
    const text = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${events}\r\nEND:VCALENDAR\r\n`;
    const r = await expandInWorker(text, { ...EXPANSION_LIMITS, budgetMs: 0 });
    expect(r.cutOff).toBe(true);
    expect(r.results.size).toBeLessThan(500);
  });
});

describe('truncated files, invalid bytes and wrong extensions', () => {
  it('keeps a contact cut off before END:VCARD and says so', async () => {
    const out = await runBytes(importVCard, 'c.vcf', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half Written\r\nTEL:+4912345\r\n');
    expect(out.items.map((i) => i.title)).toEqual(['Half Written']);
    expect(out.refusals[0]?.reason).toMatch(/ended before this contact was closed/);
  });

  it('refuses a calendar cut off mid-way with a reason, and a file that is not a calendar', async () => {
    const cut = await runBytes(importICalendar, 'c.ics', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:2024');
    if (cut.error) expect(cut.error.message).toMatch(/could not be read/);
    else expect(cut.items.length).toBeLessThanOrEqual(1);
    const not = await runBytes(importICalendar, 'c.ics', 'hello');
    expect(not.error?.message).toMatch(/not an iCalendar file/);
  });

  it('keeps vCard values whose bytes are not UTF-8 as Latin-1 and reports it', async () => {
    const out = await runBytes(importVCard, 'c.vcf', Buffer.concat([Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN;CHARSET=UTF-8:Ren'), Buffer.from([0xe9]), Buffer.from('\r\nEND:VCARD\r\n')]));
    expect(out.items[0]!.title).toBe('René');
    expect(out.refusals[0]?.reason).toMatch(/kept as Latin-1/);
  });

  it('does not treat text with a later From line as an mbox, and reads a truncated message', async () => {
    const out = await runBytes(importMbox, 'x.mbox', 'hello\n\nFrom a@b Sat Jan  1 00:00:00 2000\nSubject: x\n');
    expect(out.error?.code).toBe('UNSUPPORTED');
    const eml = await runBytes(importEml, 'x.eml', 'From: a@b\r\nSubject: cut\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhalf');
    expect(eml.items[0]!.title).toBe('cut');
  });

  it('detects formats by content whatever the extension says', () => {
    const cases: Array<[string, string, string]> = [
      ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n', 'photo.jpg', 'vcard'],
      ['\uFEFFBEGIN:VCALENDAR\r\n', 'contacts.vcf', 'icalendar'],
      ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n<smses count=\"0\">", 'backup.txt', 'sms-backup-xml'],
      ['<?xml version="1.0"?>\n<!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export4.dtd">\n<en-export>', 'notes.xml', 'enex'],
      ['From a@b Sat Jan  1 00:00:00 2000\nFrom: a@b\nSubject: x\n\n', 'mail.txt', 'mbox'],
      ['Return-Path: <a@b>\r\nFrom: a@b\r\nSubject: x\r\n\r\nbody', 'message.dat', 'eml'],
      ['{"textContent":"x","isTrashed":false}', 'note.txt', 'keep-note'],
      ['just words', 'notes.md', 'text-note'],
    ];
    for (const [text, name, id] of cases) expect(detectFormat(Buffer.from(text), name)?.id, name).toBe(id);
    expect(detectFormat(Buffer.from([0x00, 0x01, 0x02]), 'mystery.bin')).toBeNull();
  });
});

describe('large and oversized vCard values', () => {
  it('reads a 5 MB Outlook-style folded base64 photo intact', async () => {
    const photo = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < photo.length; i++) photo[i] = (i * 31 + (i >> 8)) & 0xff;
    photo[0] = 0xff;
    photo[1] = 0xd8;
    photo[2] = 0xff;
    const b64 = photo.toString('base64').replace(/.{76}/g, '$&\r\n  ');
    const vcf = `BEGIN:VCARD\r\nVERSION:2.1\r\nN:Big;Photo\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n  ${b64}\r\n\r\nEND:VCARD\r\n`;
    const out = await runBytes(importVCard, 'big.vcf', vcf);
    expect(out.refusals).toEqual([]);
    const got = out.items[0]!.files!.find((f) => f.name === 'photo.jpg')!.data as Buffer;
    expect(got.equals(photo)).toBe(true);
  });

  it('refuses a single property over 48 MB and keeps the contact', async () => {
    const huge = 'A'.repeat(49 * 1024 * 1024);
    const out = await runBytes(importVCard, 'huge.vcf', `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kept\r\nNOTE:${huge}\r\nEND:VCARD\r\n`);
    expect(out.items.map((i) => i.title)).toEqual(['Kept']);
    expect(out.refusals[0]?.reason).toMatch(/larger than 48 MB and was skipped/);
  });
});

describe('markup that makes regular expressions quadratic', () => {
  it('turns hostile HTML/ENML into text in one pass (1 MB runs of "<", "&", unclosed tags, spaces)', async () => {
    const { markupToText } = await import('../../../../main/core/intake/records/markup-text');
    const big = 1_000_000;
    expect(markupToText('<'.repeat(big)).text).toBe('');
    expect(markupToText('&'.repeat(big)).text).toHaveLength(big);
    expect(markupToText('<en-crypt>'.repeat(big / 10)).encrypted).toHaveLength(1);
    expect(markupToText('<script>'.repeat(big / 8)).text).toBe('');
    expect(markupToText(`a${' '.repeat(big)}\nb`).text).toBe('a\nb');
    expect(markupToText('<p>x &lt;y&gt; &#128512; &bogus; <b>z</b></p>').text).toBe('x <y> 😀 &bogus; z');
    const mail = `From: a@b\r\nSubject: html\r\nContent-Type: text/html\r\n\r\n${'<'.repeat(big)}`;
    const out = await runBytes(importEml, 'h.eml', mail);
    expect(out.items[0]!.title).toBe('html');
  });
});
