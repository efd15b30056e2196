// Phones: pending → done. A paired phone (the reference agent) syncs two photos, goes
// offline (the gateway stops), the person erases one: the receipt names the phone
// "pending". The phone comes back, syncs, fetches the erasure notice, applies it as its
// setting says and acknowledges: the receipt gets a new revision (pending → erased, or
// kept-on-device, with the time) and the chain verifies. A replayed ack, an ack from
// another paired phone, an ack for an unknown receipt and an ack with the wrong ids are
// all refused and change nothing.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeepsakeAgent } from '../../../agent/src/agent';
import { AgentError, PinnedClient } from '../../../agent/src/pinned-client';
import type { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { devicesFor } from '../../../main/core/devices/registry';
import { ALPN_SYNC, PATHS } from '../../../main/core/devices/wire';
import { receiptBook } from '../../../main/core/privacy/ledgers';
import type { Receipt } from '../../../main/core/privacy/receipts';
import { systemClock } from '../../../main/core/ports';
import { configureReverify, verifyIdentity } from '../../../main/core/security/reverify';
import { all, sql } from '../../../main/core/vault/sql';
import { cleanup, FIXTURES, newCore, PASS, tempDir } from '../recovery/helpers';

let dir: string;
let core: Core;
let phone: string;
let agent: KeepsakeAgent;
let port: number;

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await dispatch(core, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

async function erase(itemIds: string[]): Promise<Receipt> {
  await verifyIdentity(core, PASS);
  const job = await call<{ id: string }>('erase.start', { itemIds, scope: `${itemIds.length} photo` });
  for (;;) {
    const j = core.jobs.get(job.id);
    if (j.finishedAt) {
      expect(j.state).toBe('succeeded');
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return receiptBook(core).list()[0]!;
}

function rawClient(a: KeepsakeAgent): PinnedClient {
  return new PinnedClient(a.state.state.desktop!, a.state.state.identity!, ALPN_SYNC, { maxSockets: 1 });
}

async function refused(a: KeepsakeAgent, body: unknown): Promise<string> {
  const c = rawClient(a);
  try {
    await c.json('POST', PATHS.erasuresAck, body);
    return 'accepted';
  } catch (e) {
    return e instanceof AgentError ? e.code : String(e);
  } finally {
    c.close();
  }
}

const photoIds = () => all<{ id: string; title: string }>(core.vault!.indexDb, sql`SELECT id, title FROM items WHERE category = 'photo' ORDER BY title`);

beforeEach(async () => {
  dir = tempDir('erasure-phone');
  core = await newCore(dir, systemClock); // the agent checks the pairing expiry against real time
  configureReverify(core, { kdf: { fastKdfForTests: true } });
  phone = join(dir, 'phone');
  mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
  copyFileSync(join(FIXTURES, 'photos', 'exifr__IMG_20180725_163423-tiny.jpg'), join(phone, 'DCIM', 'Camera', 'IMG_1.jpg'));
  copyFileSync(join(FIXTURES, 'photos', 'exifr__issue-exifr-4.jpg'), join(phone, 'DCIM', 'Camera', 'IMG_2.jpg'));
  const devices = devicesFor(core);
  port = (await devices.startGateway({ hosts: ['127.0.0.1'], port: 0 })).listening[0]!.port;
  agent = new KeepsakeAgent(phone, join(dir, 'agent-state'));
  await agent.pair((await devices.startPairing()).uri, { name: 'Pixel of Ann', kind: 'android' });
  expect((await agent.sync()).acked).toBe(2);
  await devices.stopGateway(); // the phone is offline from now on
});

afterEach(async () => {
  await core.close();
  cleanup(dir);
});

async function backOnline(): Promise<void> {
  await devicesFor(core).startGateway({ hosts: ['127.0.0.1'], port });
}

describe('phone erasure: pending → done', () => {
  it('an offline phone is pending; its acknowledgement revises the receipt to erased, with the time, and the chain verifies', async () => {
    const [one, two] = photoIds();
    const receipt = await erase([one!.id]);
    const line = receipt.locations.find((l) => l.kind === 'phone');
    expect(line).toMatchObject({ location: 'Pixel of Ann', outcome: 'pending', items: 1 });
    expect(receipt.complete).toBe(false);

    await backOnline();
    const before = Date.now();
    const s = await agent.sync({ deleteErased: true });
    expect(s.erasuresAcked).toBe(1);
    expect(existsSync(join(phone, 'DCIM', 'Camera', 'IMG_1.jpg'))).toBe(false);
    expect(existsSync(join(phone, 'DCIM', 'Camera', 'IMG_2.jpg'))).toBe(true);

    const book = receiptBook(core);
    const revised = book.get(receipt.id)!;
    expect(revised.revision).toBe(2);
    expect(revised.complete).toBe(true);
    const done = revised.locations.find((l) => l.kind === 'phone')!;
    expect(done.outcome).toBe('erased');
    expect(done.doneAt).toBeGreaterThanOrEqual(before);
    expect(done.detail).toMatch(/deleted its copy/);
    // Everything else on the receipt is unchanged; the history keeps the pending revision.
    expect(revised.locations.filter((l) => l.kind !== 'phone')).toEqual(receipt.locations.filter((l) => l.kind !== 'phone'));
    expect(book.history(receipt.id).map((r) => r.locations.find((l) => l.kind === 'phone')?.outcome)).toEqual(['pending', 'erased']);
    expect(book.verify()).toEqual({ ok: true, count: 2 });
    expect(photoIds().map((p) => p.id)).toEqual([two!.id]);

    // Nothing further to do: the next sync fetches no notice and never re-offers the erased photo.
    const again = await agent.sync({ deleteErased: true });
    expect(again.erasuresAcked).toBe(0);
    expect(again.offered).toBe(0);
  }, 60_000);

  it('a phone whose setting keeps its copy answers so: the receipt says kept-on-device', async () => {
    const receipt = await erase([photoIds()[0]!.id]);
    await backOnline();
    expect((await agent.sync()).erasuresAcked).toBe(1);
    expect(existsSync(join(phone, 'DCIM', 'Camera', 'IMG_1.jpg'))).toBe(true);
    const revised = receiptBook(core).get(receipt.id)!;
    expect(revised.locations.find((l) => l.kind === 'phone')?.outcome).toBe('kept-on-device');
    expect(revised.complete).toBe(true);
    expect(receiptBook(core).verify().ok).toBe(true);
  }, 60_000);

  it('two phones with the same name: each acknowledgement revises its own line, never the other phone’s', async () => {
    await backOnline();
    const twinPhone = join(dir, 'phone-twin');
    mkdirSync(join(twinPhone, 'DCIM', 'Camera'), { recursive: true });
    copyFileSync(join(FIXTURES, 'photos', 'exifr__RangeError_Offset_outside_bounds.jpg'), join(twinPhone, 'DCIM', 'Camera', 'IMG_9.jpg'));
    const twin = new KeepsakeAgent(twinPhone, join(dir, 'agent-twin'));
    await twin.pair((await devicesFor(core).startPairing()).uri, { name: 'Pixel of Ann', kind: 'android' });
    expect((await twin.sync()).acked).toBe(1);

    // Ann's first phone's photos come first, so its line is the first "Pixel of Ann" on the receipt.
    const receipt = await erase(photoIds().map((p) => p.id));
    const lines = receipt.locations.filter((l) => l.kind === 'phone');
    expect(lines.map((l) => [l.location, l.items, l.outcome])).toEqual([
      ['Pixel of Ann', 2, 'pending'],
      ['Pixel of Ann', 1, 'pending'],
    ]);
    expect(new Set(lines.map((l) => l.deviceId)).size).toBe(2);

    // The twin answers first: only its own line (1 item) is done; the other phone is still pending.
    expect((await twin.sync({ deleteErased: true })).erasuresAcked).toBe(1);
    const afterTwin = receiptBook(core).get(receipt.id)!;
    expect(afterTwin.locations.filter((l) => l.kind === 'phone').map((l) => [l.items, l.outcome])).toEqual([
      [2, 'pending'],
      [1, 'erased'],
    ]);
    expect(afterTwin.complete).toBe(false);

    expect((await agent.sync({ deleteErased: true })).erasuresAcked).toBe(1);
    const afterBoth = receiptBook(core).get(receipt.id)!;
    expect(afterBoth.locations.filter((l) => l.kind === 'phone').map((l) => [l.items, l.outcome])).toEqual([
      [2, 'erased'],
      [1, 'erased'],
    ]);
    expect(afterBoth.complete).toBe(true);
    expect(receiptBook(core).verify()).toEqual({ ok: true, count: 3 });
  }, 60_000);

  it('replayed, foreign, unknown and malformed acknowledgements change nothing', async () => {
    const receipt = await erase([photoIds()[0]!.id]);
    await backOnline();
    // A second paired phone that never held the item.
    const other = new KeepsakeAgent(join(dir, 'phone-b'), join(dir, 'agent-b'));
    mkdirSync(join(dir, 'phone-b'), { recursive: true });
    await other.pair((await devicesFor(core).startPairing()).uri, { name: 'Tablet', kind: 'android' });
    const fetch = rawClient(agent);
    const { erasures } = await fetch.json<{ erasures: Array<{ receiptId: string; ids: string[] }> }>('GET', PATHS.erasures);
    fetch.close();
    expect(erasures).toEqual([{ receiptId: receipt.id, ids: ['DCIM/Camera/IMG_1.jpg'], at: expect.any(Number) as number }]);

    expect(await refused(other, { receiptId: receipt.id, deleted: ['DCIM/Camera/IMG_1.jpg'], kept: [] })).toBe('NOT_FOUND');
    expect(await refused(agent, { receiptId: randomUUID(), deleted: ['DCIM/Camera/IMG_1.jpg'], kept: [] })).toBe('NOT_FOUND');
    expect(await refused(agent, { receiptId: receipt.id, deleted: ['DCIM/Camera/IMG_2.jpg'], kept: [] })).toBe('BAD_INPUT');
    expect(await refused(agent, { receiptId: receipt.id, deleted: [], kept: [] })).toBe('BAD_INPUT');
    expect(receiptBook(core).get(receipt.id)?.revision).toBe(1);

    expect(await refused(agent, { receiptId: receipt.id, deleted: ['DCIM/Camera/IMG_1.jpg'], kept: [] })).toBe('accepted');
    const after = receiptBook(core).get(receipt.id)!;
    expect(after.revision).toBe(2);
    // The same acknowledgement again (a replay) is refused; the receipt stays at revision 2.
    expect(await refused(agent, { receiptId: receipt.id, deleted: ['DCIM/Camera/IMG_1.jpg'], kept: [] })).toBe('CONFLICT');
    expect(await refused(agent, { receiptId: receipt.id, deleted: [], kept: ['DCIM/Camera/IMG_1.jpg'] })).toBe('CONFLICT');
    expect(receiptBook(core).get(receipt.id)).toEqual(after);
    expect(receiptBook(core).history(receipt.id)).toHaveLength(2);
    expect(receiptBook(core).verify()).toEqual({ ok: true, count: 2 });
  }, 60_000);
});
