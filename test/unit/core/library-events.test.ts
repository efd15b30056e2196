// library.changed: every window hears when items change, whoever changed them (an import,
// a phone sync, an edit, an erase), coalesced per burst — on a vault opened through the
// contract (create, and unlock after a lock), and never for writes that change no item.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { silentLog } from '../../../main/core/log';
import { announceLibraryChanges } from '../../../main/core/library-events';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { tempDir } from '../vault/helpers';

const PASS = 'library events passphrase 7';
const note = (n: number): NewItem => ({ category: 'note', sourceKey: `note-${n}`, title: `Note ${n}`, text: `text ${n}`, fields: {}, personal: true, files: [] });

let tmp: ReturnType<typeof tempDir>;
let core: Core;
let heard: number;
const settle = () => new Promise((r) => setTimeout(r, 700)); // past the 300 ms coalescing

beforeEach(async () => {
  tmp = tempDir('ks-library-events-');
  core = new Core({ dataFolder: tmp.dir, hostKind: 'cli', log: silentLog });
  heard = 0;
  core.events.subscribe((e) => {
    if (e.name === 'library.changed') heard++;
  });
  const r = await dispatch(core, 'vault.create', { passphrase: PASS });
  expect(r.ok).toBe(true);
});
afterEach(async () => {
  await core.close();
  tmp.cleanup();
});

describe('library.changed', () => {
  it('follows stores, edits and erasures, and not writes that change no item', async () => {
    const vault = core.vault!;
    await vault.putItems([note(1), note(2)]);
    await settle();
    expect(heard).toBe(1);
    await vault.putRecords([note(3)]);
    await settle();
    expect(heard).toBe(2);
    const [first] = vault.listItems({ limit: 1 });
    await vault.updateItem(first!.id, { title: 'Edited' });
    await settle();
    expect(heard).toBe(3);
    await vault.destroyItems([first!.id]);
    await settle();
    expect(heard).toBe(4);
    await vault.createSnapshot({ label: 'no item changes' });
    await vault.check();
    await settle();
    expect(heard).toBe(4);
  });

  it('sends one event for a burst of changes', async () => {
    // Only the subscription seam of a vault, so the burst is exact (real writes take
    // however long the machine lets them).
    let tell = (): void => undefined;
    const seam = { onItemsChanged: (l: () => void) => ((tell = l), () => undefined) } as unknown as Vault;
    const other = new Core({ dataFolder: `${tmp.dir}-burst`, hostKind: 'cli', log: silentLog });
    let burst = 0;
    other.events.subscribe((e) => void (e.name === 'library.changed' && burst++));
    announceLibraryChanges(other, seam);
    for (let i = 0; i < 50; i++) tell();
    await settle();
    expect(burst).toBe(1);
    tell();
    await settle();
    expect(burst).toBe(2);
    await other.close();
    rmSync(`${tmp.dir}-burst`, { recursive: true, force: true });
  });

  it('keeps working after a lock and an unlock', async () => {
    expect((await dispatch(core, 'vault.lock', {})).ok).toBe(true);
    expect((await dispatch(core, 'vault.unlock', { passphrase: PASS })).ok).toBe(true);
    await core.vault!.putItems([note(9)]);
    await settle();
    expect(heard).toBe(1);
  });
});
