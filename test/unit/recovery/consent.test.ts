// Location consent during a recovery (RELIABILITY rows 48–49), on a real vault with real
// photos, an Apple calendar entry with a structured location and an Evernote note with
// latitude/longitude: no consent, approximate-only while precise data is offered, expired,
// withdrawn mid-recovery, wrong purpose — location dropped or coarsened every time, with
// ledger entries; and at the end the consent is ended and the location data collected for
// the recovery is purged with a receipt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecoveryPlan } from '../../../common/contract/recovery';
import type { Core } from '../../../main/core/core';
import { consentLedger, receiptBook } from '../../../main/core/privacy/ledgers';
import { recoveryPurpose } from '../../../main/core/recovery/location';
import { newRecoveryId, runRecovery } from '../../../main/core/recovery/recovery-job';
import { all, sql } from '../../../main/core/vault/sql';
import { cleanup, controlAt, FIXTURES, importPaths, newCore, quiet, TestClock, tempDir } from './helpers';

const JPEG = 'exifr__IMG_20180725_163423-tiny.jpg';
let dir: string;
let core: Core;
let clock: TestClock;

beforeEach(async () => {
  dir = tempDir('recovery-consent');
  clock = new TestClock();
  core = await newCore(dir, clock);
  await importPaths(core, [
    join(FIXTURES, 'photos', JPEG),
    join(FIXTURES, 'photos', 'exifr__png_with_exif_and_gps.png'),
    join(FIXTURES, 'calendar', 'ical4j__apple-iphone-os-26-structured-location.ics'),
    join(FIXTURES, 'notes', 'enex__yarle_test-noteWithLatLong.enex'),
  ]);
});

afterEach(async () => {
  await core.close();
  cleanup(dir);
});

function plan(out: string, precision: 'precise' | 'approximate' | 'none'): RecoveryPlan {
  return { source: { kind: 'everything' }, target: { kind: 'bundle', dir: out }, categories: ['photo', 'event', 'note'], location: { precision, expiresInMinutes: 30 } };
}

async function photoGps(out: string): Promise<{ latitude: number; longitude: number } | undefined> {
  return exifr.gps(readFileSync(join(out, 'Photos', '2018', '07', JPEG)));
}

function calendar(out: string): string {
  return readFileSync(join(out, 'Calendar', 'calendar.ics'), 'utf8').replace(/\r\n[ \t]/g, ''); // unfolded
}

function noteText(out: string): string {
  const notes = all<{ path: string }>(core.vault!.indexDb, sql`SELECT path FROM recovery_files WHERE category = 'note'`);
  return notes.map((n) => readFileSync(join(out, n.path), 'utf8')).join('\n');
}

function drops(purpose: string) {
  return consentLedger(core).list().filter((r) => r.action === 'dropped' && r.purpose === purpose);
}

describe('location consent in a recovery', () => {
  it('precise consent: the exact location travels (control for the cases below)', async () => {
    const out = join(dir, 'precise');
    const r = await runRecovery(core, plan(out, 'precise'), quiet);
    expect((await photoGps(out))?.latitude).toBeCloseTo(50.29960277, 6);
    expect(calendar(out)).toMatch(/geo:48\.309978,14\.283197/);
    expect(r.location.shared).toBeGreaterThanOrEqual(3);
    expect(r.ok).toBe(true);
  });

  it('no consent: nothing location-bearing is shared, the drop is in the ledger and the report says so', async () => {
    const out = join(dir, 'none-given');
    const id = newRecoveryId();
    const r = await runRecovery(core, plan(out, 'precise'), quiet, { grant: false, recoveryId: id });
    expect(await photoGps(out)).toBeUndefined();
    expect(calendar(out)).not.toMatch(/geo:/i);
    expect(noteText(out)).not.toMatch(/Location:/);
    expect(r.location.shared + r.location.coarsened).toBe(0);
    expect(r.location.notes.join(' ')).toMatch(/no consent was given/);
    expect(drops(recoveryPurpose(id)).map((d) => d.details.reason)).toContain('no consent was given');
  });

  it('approximate consent with precise data offered: rounded to 0.01° everywhere, never precise', async () => {
    const out = join(dir, 'approx');
    const r = await runRecovery(core, plan(out, 'approximate'), quiet);
    expect(await photoGps(out)).toEqual({ latitude: 50.3, longitude: 14.82 });
    expect(calendar(out)).not.toMatch(/48\.309978|X-APPLE-STRUCTURED-LOCATION/);
    const note = noteText(out);
    const m = /Location: (-?[\d.]+), (-?[\d.]+)/.exec(note);
    expect(m).not.toBeNull();
    for (const v of [m![1]!, m![2]!]) expect(v.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(2);
    expect(r.location.coarsened).toBeGreaterThanOrEqual(2);
    expect(r.location.shared).toBe(0);
    // The PNG cannot hold a rounded value: its location was removed, and that drop is recorded.
    expect(drops(recoveryPurpose(r.id)).some((d) => /PNG/.test(String(d.details.reason)))).toBe(true);
  });

  it('expired consent: treated as none', async () => {
    const out = join(dir, 'expired');
    const id = newRecoveryId();
    consentLedger(core).grant({ subject: 'location', purpose: recoveryPurpose(id), recipient: out, precision: 'precise', expiresAt: clock.t + 60_000 });
    clock.t += 120_000;
    await runRecovery(core, plan(out, 'precise'), quiet, { grant: false, recoveryId: id });
    expect(await photoGps(out)).toBeUndefined();
    expect(drops(recoveryPurpose(id)).map((d) => d.details.reason)).toContain('it has expired');
  });

  it('wrong purpose: a consent for another recovery does not count', async () => {
    const out = join(dir, 'wrong');
    const id = newRecoveryId();
    consentLedger(core).grant({ subject: 'location', purpose: 'recovery:someone-else', recipient: out, precision: 'precise', expiresAt: clock.t + 600_000 });
    consentLedger(core).grant({ subject: 'location', purpose: recoveryPurpose(id), recipient: '/another/folder', precision: 'precise', expiresAt: clock.t + 600_000 });
    await runRecovery(core, plan(out, 'precise'), quiet, { grant: false, recoveryId: id });
    expect(await photoGps(out)).toBeUndefined();
    expect(drops(recoveryPurpose(id)).map((d) => d.details.reason)).toContain('no consent for this purpose and recipient');
  });

  it('withdrawn mid-recovery: sharing stops at once (items after the withdrawal carry no location)', async () => {
    const out = join(dir, 'withdrawn');
    const id = newRecoveryId();
    // Events and notes run before photos; withdraw at the first checkpoint of the photo step.
    let withdrawnAt = -1;
    const control = controlAt(3, () => {
      const grant = consentLedger(core).active('location', recoveryPurpose(id), out);
      if (grant.live) consentLedger(core).withdraw(grant.grant.id);
      withdrawnAt = 3;
    });
    const r = await runRecovery(core, plan(out, 'precise'), control, { recoveryId: id });
    expect(withdrawnAt).toBe(3);
    expect(calendar(out)).toMatch(/geo:48\.309978/); // before the withdrawal
    expect(await photoGps(out)).toBeUndefined(); // after it
    expect(drops(recoveryPurpose(id)).map((d) => d.details.reason)).toContain('it was withdrawn');
    expect(r.location.notes.join(' ')).toMatch(/withdrawn/);
  });

  it('at the end: consent ended, collected location data purged with a receipt; originals untouched', async () => {
    const out = join(dir, 'purge');
    const r = await runRecovery(core, plan(out, 'precise'), quiet);
    const db = core.vault!.indexDb;
    expect(all(db, sql`SELECT * FROM recovery_location_log WHERE recovery_id = ${r.id}`)).toEqual([]);
    const receipt = receiptBook(core).get(r.location.purgeReceiptId!);
    expect(receipt).toMatchObject({ kind: 'recovery-purge', complete: true });
    expect(receipt!.counts.location).toBeGreaterThanOrEqual(3);
    expect(consentLedger(core).active('location', recoveryPurpose(r.id), out).live).toBe(false);
    expect(consentLedger(core).verify()).toMatchObject({ ok: true });
    expect(receiptBook(core).verify()).toMatchObject({ ok: true });
    // The vault's original still has its precise GPS.
    const photo = all<{ id: string }>(db, sql`SELECT id FROM items WHERE category = 'photo' AND title LIKE '%tiny%'`)[0]!;
    const chunks: Buffer[] = [];
    for await (const c of core.vault!.readFile(photo.id, 'original')) chunks.push(c as Buffer);
    expect((await exifr.gps(Buffer.concat(chunks))).latitude).toBeCloseTo(50.29960277, 6);
  });
});
