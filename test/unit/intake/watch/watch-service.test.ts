// Watch folders end to end on a real encrypted vault and a real folder: a file dropped in
// is imported (through the import job, once settled), touching it again adds nothing,
// locking stops the watch and unlocking resumes it (files dropped meanwhile come in), a
// vanished folder shows as a problem, remove stops it, and bad folders are refused with
// plain reasons — through the watch.* methods as the UI calls them.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchFolder } from '../../../../common/contract/watch';
import { Core } from '../../../../main/core/core';
import { call } from '../../../../main/core/dispatch';
import { attachWatchFolders, type WatchService } from '../../../../main/core/intake/watch/service';
import { silentLog } from '../../../../main/core/log';
import { get, sql } from '../../../../main/core/vault/sql';
import { Vault } from '../../../../main/core/vault/vault';
import { FIXTURES } from '../records/helpers';

const PASS = 'watch folder test passphrase';
const VCF = join(FIXTURES, 'contacts/ezvcard__gmail-list.vcf'); // 3 contacts

let dir: string;
let inbox: string;
let core: Core;
let service: WatchService;

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, limitMs = 30_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const contacts = () => get<{ n: number }>(core.vault!.indexDb, sql`SELECT count(*) AS n FROM items WHERE category = 'contact'`)!.n;
const status = (id: string): WatchFolder => service.list().find((w) => w.id === id)!;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keepsake-watch-'));
  inbox = join(dir, 'phone-exports');
  mkdirSync(inbox);
  core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(core.dataFolder, PASS, { fastKdfForTests: true })).vault;
  service = attachWatchFolders(core, { timings: { debounceMs: 20, settleMs: 150, rescanMs: 400 } });
  await service.sync();
});

afterEach(async () => {
  await service.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('watch folders', () => {
  it('imports a dropped file once settled, adds nothing when it is touched again, and keeps a status', async () => {
    const w = await call(core, 'watch.add', { path: inbox });
    expect(w).toMatchObject({ path: inbox, state: 'watching', filesImported: 0, lastError: null });
    expect(['events', 'rescan']).toContain(w.mode);
    mkdirSync(join(inbox, 'Contacts'));
    copyFileSync(VCF, join(inbox, 'Contacts', 'gmail.vcf'));
    await waitFor('the file to be imported', () => status(w.id).filesImported === 1);
    expect(contacts()).toBe(3);
    expect(status(w.id).lastScanAt).not.toBeNull();
    const jobs = core.jobs.list().filter((j) => j.kind === 'import');
    expect(jobs.map((j) => j.title)).toEqual(['Import gmail.vcf from watched folder phone-exports']);

    // Same bytes, new mtime: read again (the watch cannot know), stored as duplicates.
    utimesSync(join(inbox, 'Contacts', 'gmail.vcf'), new Date(), new Date(Date.now() + 60_000));
    await waitFor('the touched file to be read again', () => status(w.id).filesImported === 2);
    expect(contacts()).toBe(3);

    // Adding the same folder again returns the same watch.
    expect((await call(core, 'watch.add', { path: inbox })).id).toBe(w.id);
    expect(await call(core, 'watch.list', {})).toHaveLength(1);
  }, 60_000);

  it('stops when the vault locks and resumes on unlock, importing what arrived meanwhile', async () => {
    const w = service.add(inbox);
    await waitFor('the first look', () => status(w.id).lastScanAt !== null);
    await core.lock('asked');
    expect(service.running(w.id)).toBeNull();
    copyFileSync(VCF, join(inbox, 'while-locked.vcf'));
    core.vault = await Vault.open(core.dataFolder, { passphrase: PASS });
    core.events.emit('vault.changed', { state: 'unlocked' });
    await waitFor('the watch to resume', () => service.running(w.id));
    await waitFor('the file dropped while locked', () => status(w.id).filesImported === 1);
    expect(contacts()).toBe(3);
  }, 60_000);

  it('reports a vanished folder, refused files, and stops on remove', async () => {
    const w = service.add(inbox);
    writeFileSync(join(inbox, 'notes.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 7]));
    await waitFor('the unreadable file to be reported', () => status(w.id).lastError?.includes('notes.bin'));
    expect(status(w.id).lastError).toMatch(/does not recognise/);
    expect(status(w.id).filesImported).toBe(1); // remembered: not read again until it changes
    rmSync(inbox, { recursive: true });
    await waitFor('the missing folder to be reported', () => status(w.id).lastError?.includes('missing'));
    expect(await call(core, 'watch.remove', { id: w.id })).toEqual({ removed: true });
    expect(service.running(w.id)).toBeNull();
    expect(await call(core, 'watch.list', {})).toEqual([]);
    expect(await call(core, 'watch.remove', { id: w.id })).toEqual({ removed: false });
  }, 60_000);

  it('refuses a missing folder, a file, and Keepsake’s own data folder', async () => {
    await expect(call(core, 'watch.add', { path: join(dir, 'nope') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    writeFileSync(join(dir, 'file.txt'), 'x');
    await expect(call(core, 'watch.add', { path: join(dir, 'file.txt') })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/folder/) });
    await expect(call(core, 'watch.add', { path: core.dataFolder })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call(core, 'watch.add', { path: dir })).rejects.toMatchObject({ code: 'BAD_INPUT' }); // holds the data folder
    await core.lock('asked');
    await expect(call(core, 'watch.list', {})).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });
});
