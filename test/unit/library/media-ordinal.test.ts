// Every attachment streams, not only the first: "<item>.<role>.<n>" through the web host's
// /media route and the desktop's vault://media protocol handler, both on a real vault
// (seeded library plus a multi-chunk attachment), with ranges, and hostile ordinals
// refused as "no such media" (404) without touching the vault.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { silentLog } from '../../../main/core/log';
import { Library } from '../../../main/core/library/library';
import { parseMediaId } from '../../../main/core/library/file-source';
import { openMedia } from '../../../main/core/media';
import { createVaultProtocolHandler } from '../../../main/electron/vault-protocol';
import { startWebHost, type WebHost } from '../../../main/web/server';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, pseudoRandom, tempDir } from '../vault/helpers';
import { KNOWN, SEED_NOW, seedLibrary } from './seed';

let t: ReturnType<typeof tempDir>;
let vault: Vault;
let core: Core;
let web: WebHost;
let mailId: string;
let noteId: string;
let mmsId: string;
let bigId: string;
// Larger than the chunker's maximum chunk, so a range has to cross chunk boundaries.
const BIG = pseudoRandom(9 * 1024 * 1024 + 123, 77);

beforeAll(async () => {
  t = tempDir('ks-media-');
  vault = (await newVault(join(t.dir, 'data'), { workers: false })).vault;
  await seedLibrary(vault);
  const [big] = await vault.putItems([
    {
      category: 'email',
      sourceKey: 'email:big',
      occurredAt: SEED_NOW,
      title: 'Holiday video',
      text: 'Holiday video',
      fields: { subject: 'Holiday video' },
      personal: true,
      files: [
        { role: 'attachment', name: 'note.txt', mime: 'text/plain', data: Buffer.from('see the clip') },
        { role: 'attachment', name: 'clip.mp4', mime: 'video/mp4', data: BIG },
      ],
    },
  ]);
  bigId = big!.id;
  const lib = new Library(vault, () => SEED_NOW);
  mailId = lib.emails({}).items.find((e) => e.title === KNOWN.emailSubject)!.id;
  noteId = lib.notes({}).items.find((n) => n.title === 'Books to read')!.id;
  mmsId = lib.thread({ key: KNOWN.threadAddress }).items[0]!.id;
  core = new Core({ dataFolder: join(t.dir, 'data'), hostKind: 'web', log: silentLog });
  core.vault = vault;
  const staticDir = join(t.dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  web = await startWebHost({ core, staticDir });
});

afterAll(async () => {
  await web.close();
  core.vault = null;
  await core.close();
  vault.close();
  t.cleanup();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; range: string | null; body: Buffer }> {
  const r = await fetch(`${web.origin}${path}`, { headers: { Authorization: `Bearer ${web.token}`, ...headers } });
  return { status: r.status, type: r.headers.get('content-type'), range: r.headers.get('content-range'), body: Buffer.from(await r.arrayBuffer()) };
}

describe('web host /media/<item>.<role>.<n>', () => {
  it('streams the second attachment of an email, of a note and of an MMS', async () => {
    const itinerary = await get(`/media/${mailId}.attachment.1`);
    expect(itinerary).toMatchObject({ status: 200, type: 'text/plain' });
    expect(itinerary.body.toString()).toBe(KNOWN.itineraryText);
    const wishlist = await get(`/media/${encodeURIComponent(`${noteId}.attachment.1`)}`);
    expect(wishlist.body.toString()).toBe(KNOWN.wishlistText);
    const first = await get(`/media/${mmsId}.attachment`);
    const second = await get(`/media/${mmsId}.attachment.1`);
    expect(second).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect(second.body.subarray(0, 2).toString('hex')).toBe('ffd8'); // a JPEG
    expect(second.body.equals(first.body)).toBe(false); // a different picture, not the first again
  });

  it('ordinal 0 is the first file, the same bytes as the id without an ordinal', async () => {
    const a = await get(`/media/${mailId}.attachment`);
    const b = await get(`/media/${mailId}.attachment.0`);
    expect(a.status).toBe(200);
    expect(b.body.equals(a.body)).toBe(true);
    expect(a.body.toString()).toContain('%PDF-1.4');
  });

  it('ranges on a later attachment, across chunk boundaries', async () => {
    const start = 4 * 1024 * 1024 - 17;
    const end = start + 3 * 1024 * 1024;
    const part = await get(`/media/${bigId}.attachment.1`, { Range: `bytes=${start}-${end}` });
    expect(part).toMatchObject({ status: 206, type: 'video/mp4', range: `bytes ${start}-${end}/${BIG.length}` });
    expect(part.body.equals(BIG.subarray(start, end + 1))).toBe(true);
    const tail = await get(`/media/${bigId}.attachment.1`, { Range: 'bytes=-100' });
    expect(tail.body.equals(BIG.subarray(BIG.length - 100))).toBe(true);
    const whole = await get(`/media/${bigId}.attachment.1`);
    expect(whole.body.equals(BIG)).toBe(true);
    expect((await get(`/media/${bigId}.attachment.1`, { Range: `bytes=${BIG.length}-` })).status).toBe(416);
  });

  it('an ordinal out of range or not a canonical integer is 404, hostile text included', async () => {
    const hostile = ['2', '3', '9999', '-1', '01', '00', '1.0', '1e0', '0x1', '+1', ' 1', '1 ', '١', '99999999999999999999', 'NaN', 'Infinity', '', '1/../0', '../../secret', '1%00', '%00'];
    for (const n of hostile) {
      const r = await get(`/media/${encodeURIComponent(`${mailId}.attachment.${n}`)}`);
      expect(r.status, `ordinal ${JSON.stringify(n)}`).toBe(404);
      expect(r.body.toString()).not.toContain('%PDF');
    }
    expect((await get(`/media/${mailId}.attachment.1/..`)).status).toBe(400); // normalised to "/media/": no id at all
    expect((await get(`/media/${mailId}.attachment.%E0%A4%A`)).status).toBe(404); // a broken escape
    expect((await get(`/media/${mailId}.thumbnail.1`)).status).toBe(404); // no such role on an email
    expect((await get(`/media/${mailId}.secret.1`)).status).toBe(404);
    expect((await get(`/media/not-hex-id.attachment.1`)).status).toBe(404);
  });

  it('parses media ids strictly', () => {
    expect(parseMediaId(`${mailId}.attachment.12`)).toEqual({ itemId: mailId, role: 'attachment', ordinal: 12 });
    expect(parseMediaId(mailId)).toEqual({ itemId: mailId, role: null, ordinal: 0 });
    expect(parseMediaId('a/b')).toBe('bad-id');
    expect(parseMediaId(`${mailId}.attachment.12345`)).toBe('no-such');
    expect(parseMediaId(`${mailId}.attachment.1\n`)).toBe('no-such');
  });

  it('a locked vault answers 423 for a later attachment too', async () => {
    core.vault = null;
    try {
      expect((await openMedia(core, `${mailId}.attachment.1`, undefined)).status).toBe(423);
    } finally {
      core.vault = vault;
    }
  });
});

describe('vault://media/<item>.<role>.<n> (desktop protocol handler)', () => {
  it('streams later attachments with ranges and keeps its containment checks', async () => {
    const handle = createVaultProtocolHandler(core);
    const r = await handle(new Request(`vault://media/${noteId}.attachment.1`));
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(KNOWN.wishlistText);
    const part = await handle(new Request(`vault://media/${mailId}.attachment.1`, { headers: { Range: 'bytes=0-6' } }));
    expect(part.status).toBe(206);
    expect(await part.text()).toBe(KNOWN.itineraryText.slice(0, 7));
    for (const n of ['2', '-1', '01', '1e0', '%2e%2e', 'x']) expect((await handle(new Request(`vault://media/${mailId}.attachment.${n}`))).status, n).toBe(404);
    expect((await handle(new Request(`vault://media/${mailId}.attachment.1/../0`))).status).toBe(404);
    expect((await handle(new Request(`vault://media/${mailId}.attachment.1?x=1`))).status).toBe(404);
    expect((await handle(new Request(`vault://other/${mailId}.attachment.1`))).status).toBe(404);
  });
});
