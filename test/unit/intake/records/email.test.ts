// Email fixtures (email/): every .eml imported as one message and every mbox split into
// its messages, with subjects, senders, dates, decoded charsets (utf-7, cp1252,
// ISO-2022-JP, Shift_JIS, ks_c_5601-1987) and attachments (TNEF, BinHex, uuencode kept as
// opaque files); the empty mbox and the text that is not an mbox are refused with reasons.
import { describe, expect, it } from 'vitest';
import { importEml, importMbox } from '../../../../main/core/intake/records/email';
import type { Importer } from '../../../../main/core/intake/types';
import { fieldsOf, fileBytes, fixtureFiles, runBytes, runFixture } from './helpers';

type MailFields = { subject: string; from: Array<{ name: string; address: string }>; to: Array<{ name: string; address: string }>; text: string; html?: string; attachments: Array<{ name: string; mime: string; bytes: number }>; headers: Record<string, string>; messageId?: string; mailer?: string };

const importerFor = (rel: string): Importer => (rel.endsWith('.mbox') ? importMbox : importEml);

/** Messages per file; a string = refused as a whole with a reason matching it. */
const COUNTS: Record<string, number | RegExp> = {
  'nodembox__test-0-message.mbox': /empty/,
  'nodembox__test-4-message.mbox': 4,
  'nodembox__test-attached.mbox': /does not start with a "From " line/,
};

const summary = (subject: string, from: string) => ({ subject, from });

describe('email fixtures', () => {
  it('covers every file in email/: one message per .eml, mbox split, or refused with a reason', async () => {
    for (const rel of fixtureFiles('email')) {
      const out = await runFixture(importerFor(rel), rel);
      const want = COUNTS[rel.split('/').pop()!] ?? 1;
      if (want instanceof RegExp) {
        expect(out.error?.message, rel).toMatch(want);
        continue;
      }
      expect(out.error, rel).toBeNull();
      expect(out.items.length, rel).toBe(want);
      for (const i of out.items) {
        expect(i.category).toBe('email');
        expect(i.files?.[0]).toMatchObject({ role: 'original', mime: 'message/rfc822' });
      }
    }
  });

  it('splits an mbox on From_ lines, in order, with each message body', async () => {
    const { items } = await runFixture(importMbox, 'email/nodembox__test-4-message.mbox');
    expect(items.map((i) => i.title)).toEqual(['mail 1', 'mail 2', 'mail 3', 'mail 4']);
    expect(fieldsOf<MailFields>(items[1]).text).toBe('The mail content of mail 2....\n');
    expect(items[0]!.occurredAt).toBe(Date.parse('2011-12-25T21:33:37+08:00'));
    expect(fieldsOf<MailFields>(items[0]).from[0]).toEqual({ name: 'abc', address: 'abc@gmail.com' });
  });

  it('decodes the charsets phones and old mail clients wrote', async () => {
    const cases: Array<[string, string, string]> = [
      ['email/mmp__m0006_outlook2000_utf7.eml', 'Die Hasen und die Frösche (Microsoft Outlook 00)', 'Die Hasen klagten einst über ihre mißliche Lage;'],
      ['email/mmp__m0010_outlook2000_cp1252.eml', 'Die Hasen und die Frösche (Microsoft Outlook 00)', 'Die Hasen klagten einst über ihre mißliche Lage'],
      ['email/mail__japanese_iso_2022.eml', 'まみむめも', 'すみません。'],
      ['email/mail__japanese_shift_jis.eml', 'test', 'このメールはテスト用のメールです。'],
      ['email/mail__ks_c_5601-1987.eml', 'test', '스티해'],
      ['email/mail__utf8_headers.eml', 'Säying Hello', 'body'],
    ];
    for (const [rel, subject, bodyPart] of cases) {
      const { items } = await runFixture(importEml, rel);
      expect(items[0]!.title, rel).toBe(subject);
      expect(fieldsOf<MailFields>(items[0]).text, rel).toContain(bodyPart);
    }
    const utf7 = await runFixture(importEml, 'email/mmp__m0006_outlook2000_utf7.eml');
    expect(fieldsOf<MailFields>(utf7.items[0]).to[1]?.name).toBe('Jürgen Schmürgen');
    expect(fieldsOf<MailFields>(utf7.items[0]).mailer).toMatch(/^Microsoft Outlook IMO/);
  });

  it('keeps attachments as files: PDF, RFC 2231 Japanese names, raw non-ASCII names, nested parts', async () => {
    const pdf = await runFixture(importEml, 'email/mail__attachment_pdf.eml');
    expect(pdf.items[0]!.title).toBe('Another PDF with 🎉 Unicode chars in it 🍿');
    expect(fileBytes(pdf.items[0]!, 'broken.pdf').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const jp = await runFixture(importEml, 'email/mail__japanese_attachment_long_name.eml');
    expect(jp.items[0]!.files?.[1]?.name).toBe('かきくけこかきくけこかきくけこかきくけこかきくけこ.txt');
    const raw = await runFixture(importEml, 'email/mail__attachment_nonascii_filename.eml');
    expect(fileBytes(raw.items[0]!, 'ciële.txt').length).toBe(11);
    const nested = await runFixture(importEml, 'email/mmp__m0017_outlook2000_nested.eml');
    expect(nested.items[0]!.files?.slice(1).map((f) => f.name)).toEqual(['blueball.png', 'greenball.png', 'redball.png']);
    const fwd = await runFixture(importEml, 'email/mail__attachment_message_rfc822.eml');
    expect(fwd.items[0]!.files?.[1]).toMatchObject({ name: 'ForwardedMessage.eml', mime: 'message/rfc822' });
  });

  it('keeps TNEF, BinHex and uuencode parts as opaque attachments', async () => {
    const tnef = await runFixture(importEml, 'email/mmp__m4006_tnef.eml');
    expect(tnef.items[0]!.files?.[1]).toMatchObject({ name: 'winmail.dat', mime: 'application/ms-tnef' });
    expect(fileBytes(tnef.items[0]!, 'winmail.dat').length).toBe(1325); // bytes kept exactly as sent, uninterpreted
    const binhex = await runFixture(importEml, 'email/mmp__m2011_eudora_binhex.eml');
    expect(binhex.items[0]!.files?.slice(1).map((f) => `${f.name}:${f.mime}`)).toEqual(['blueball.png:application/mac-binhex40', 'HasenundFrösche.txt:application/mac-binhex40']);
    const uu = await runFixture(importEml, 'email/mail__content_transfer_encoding_x_uuencode.eml');
    expect(uu.items[0]!.title).toBe('PGP Comments on RTO West Release of Dec. 14');
    // The fixture's x-uuencode part is empty (its body was stripped upstream): kept as an empty file.
    expect(uu.items[0]!.files?.[1]).toMatchObject({ name: 'PGP_Cmts_on_12-14-01_Pkg.doc', mime: 'application/msword' });
  });

  it('keeps HTML as written and indexes its text, and keeps a base64 root part', async () => {
    const nm = await runFixture(importEml, 'email/mailparser__nodemailer.eml');
    const f = fieldsOf<MailFields>(nm.items[0]);
    expect(f.html).toContain('<');
    expect(nm.items[0]!.files?.map((x) => x.name)).toContain('nyan cat ✔.gif');
    const root = await runFixture(importEml, 'email/mailparser__base64encodedroot.eml');
    expect(root.items[0]!.files?.[1]).toMatchObject({ name: 'screenshot.png', mime: 'image/png' });
    expect(root.items[0]!.title).toBe('(no subject)');
  });

  it('keeps a message with an unreadable Date header, without inventing a date', async () => {
    const out = await runFixture(importEml, 'email/mail__bad_date_header.eml');
    expect(out.items[0]!.occurredAt).toBeUndefined();
    expect(out.items[0]!.title).toBe('You may_be Eligible for Legitimate_Cash from_GovAgencies!');
    expect(out.refusals).toEqual([{ position: 'message 1', reason: expect.stringMatching(/Date header .* could not be read; the message was kept without a date/) }]);
  });

  it('reads bounces, digests, signed mail and bare-LF files', async () => {
    const cases: Array<[string, ReturnType<typeof summary>]> = [
      ['email/mail__report_422.eml', summary('Warning: could not send message for past 8 hours', 'MAILER-DAEMON@tppppp.com.au')],
      ['email/mmp__m4007_digest.eml', summary('Test multipart-digest', 'sender@email.test')],
      ['email/mmp__m4001_pgp_signed.eml', summary('Die Hasen und die Fr\uFFFDsche (Microsoft Outlook 00)', 'doug@example.com')],
      ['email/mail__basic_email_lf.eml', summary('Testing 123', 'test@lindsaar.net')],
    ];
    for (const [rel, want] of cases) {
      const { items } = await runFixture(importEml, rel);
      expect({ subject: items[0]!.title, from: fieldsOf<MailFields>(items[0]).from[0]?.address }, rel).toEqual(want);
    }
  });

  it('un-escapes mboxrd >From lines and keeps the same key on re-import', async () => {
    const mbox = 'From a@b Sat Jan  1 00:00:00 2000\nFrom: a@b\nSubject: one\nMessage-ID: <1@b>\n\n>From the start\n>>From kept once\n\nFrom a@b Sat Jan  1 00:00:00 2000\nFrom: a@b\nSubject: two\n\nx\n';
    const a = await runBytes(importMbox, 'x.mbox', mbox);
    expect(a.items.map((i) => i.title)).toEqual(['one', 'two']);
    expect(fieldsOf<MailFields>(a.items[0]).text).toBe('From the start\n>From kept once\n');
    const b = await runBytes(importMbox, 'x.mbox', mbox);
    expect(b.items.map((i) => i.sourceKey)).toEqual(a.items.map((i) => i.sourceKey));
  });
});
