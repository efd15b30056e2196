// An email whose attached photo carries GPS: the mbox holds the original message, so the
// photo would travel untouched. Without precise consent the message is left out (named in
// the report, the drop in the ledger); with precise consent it is exported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecoveryPlan } from '../../../common/contract/recovery';
import type { Core } from '../../../main/core/core';
import { runRecovery } from '../../../main/core/recovery/recovery-job';
import { cleanup, FIXTURES, newCore, quiet, TestClock, tempDir } from './helpers';

const photo = readFileSync(join(FIXTURES, 'photos', 'exifr__IMG_20180725_163423-tiny.jpg'));

function eml(subject: string, withPhoto: boolean): Buffer {
  const parts = [
    'From: Ada <ada@example.org>',
    'To: Bob <bob@example.org>',
    `Subject: ${subject}`,
    'Date: Tue, 2 Jan 2024 10:00:00 +0000',
    'Message-ID: <' + subject.replace(/\W/g, '') + '@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `${subject} body`,
  ];
  if (withPhoto) parts.push('--b1', 'Content-Type: image/jpeg; name="trip.jpg"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="trip.jpg"', '', photo.toString('base64').replace(/.{76}/g, '$&\r\n'));
  parts.push('--b1--', '');
  return Buffer.from(parts.join('\r\n'));
}

let dir: string;
let core: Core;

beforeEach(async () => {
  dir = tempDir('recovery-email-gps');
  core = await newCore(dir, new TestClock());
  await core.vault!.putItems([
    { category: 'email', sourceKey: 'with-photo', title: 'Holiday pictures', text: 'Holiday pictures body', fields: { subject: 'Holiday pictures' }, personal: true, files: [{ role: 'original', name: 'a.eml', mime: 'message/rfc822', data: eml('Holiday pictures', true) }, { role: 'attachment', name: 'trip.jpg', mime: 'image/jpeg', data: photo }] },
    { category: 'email', sourceKey: 'plain', title: 'Lunch', text: 'Lunch body', fields: { subject: 'Lunch' }, personal: true, files: [{ role: 'original', name: 'b.eml', mime: 'message/rfc822', data: eml('Lunch', false) }] },
  ]);
});

afterEach(async () => {
  await core.close();
  cleanup(dir);
});

const plan = (out: string, precision: 'precise' | 'approximate' | 'none'): RecoveryPlan => ({ source: { kind: 'everything' }, target: { kind: 'bundle', dir: out }, categories: ['email'], location: { precision, expiresInMinutes: 30 } });

describe('email attachments and location consent', () => {
  for (const precision of ['none', 'approximate'] as const) {
    it(`${precision}: the message with a located photo is left out, the other is exported`, async () => {
      const out = join(dir, precision);
      const r = await runRecovery(core, plan(out, precision), quiet);
      const mbox = readFileSync(join(out, 'Email', 'mail.mbox'), 'utf8');
      expect(mbox).toContain('Subject: Lunch');
      expect(mbox).not.toContain('Holiday pictures');
      expect(JSON.stringify(r)).toMatch(/attached to this message carries a location/);
    });
  }

  it('precise: both messages are exported, the photo as it was', async () => {
    const out = join(dir, 'precise');
    await runRecovery(core, plan(out, 'precise'), quiet);
    const mbox = readFileSync(join(out, 'Email', 'mail.mbox'), 'utf8');
    expect(mbox).toContain('Subject: Holiday pictures');
    expect(mbox).toContain('Subject: Lunch');
  });
});
