// The fast path of a sync, end to end on loopback: files that arrive whole wait in memory
// for their commit [Note: Held uploads] within a budget, spilling to encrypted disk
// staging when it is full; a whole-file upload cut mid-way still keeps what arrived; and
// the agent pipelines its commits (one in flight, batches within their caps).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeepsakeAgent } from '../../../agent/src/agent';
import { cuttingProxy } from './support/cutting-proxy';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

const MiB = 1024 * 1024;

function phoneWith(sizes: number[]): { phone: string; ids: string[] } {
  const phone = tempDir('keepsake-phone-');
  mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
  const ids = sizes.map((size, i) => {
    const id = `DCIM/Camera/IMG_${String(i).padStart(4, '0')}.jpg`;
    writeFileSync(join(phone, id), randomBytes(size));
    return id;
  });
  return { phone, ids };
}

async function vaultHashes(desktop: Desktop, deviceId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of desktop.vault.listItems({ deviceId, limit: 1000 })) {
    const h = createHash('sha256');
    for await (const c of desktop.vault.readFile(s.id)) h.update(c as Buffer);
    for (const src of desktop.vault.getItem(s.id)?.sources ?? []) out.set(src.sourceKey, h.digest('hex'));
  }
  return out;
}

async function expectStoredExactly(desktop: Desktop, agent: KeepsakeAgent, phone: string, ids: string[]): Promise<void> {
  const stored = await vaultHashes(desktop, agent.state.state.desktop?.deviceId ?? '');
  for (const id of ids) expect(stored.get(id), id).toBe(createHash('sha256').update(readFileSync(join(phone, id))).digest('hex'));
}

describe('held uploads and pipelined commits', () => {
  let desktop: Desktop | null = null;
  afterEach(async () => {
    await desktop?.close();
    if (desktop) removeAll(desktop.dir);
    desktop = null;
  });

  it('a budget smaller than the uploads spills to disk staging and stores every file bit-identical', async () => {
    desktop = await startDesktop({ heldBytes: 3 * MiB });
    const { phone, ids } = phoneWith([1, 2, 1.5, 2, 1, 0.5, 2, 1, 1.5, 2].map((m) => Math.round(m * MiB)));
    const agent = await pairedAgent(desktop, phone);
    const s = await agent.sync({ concurrency: 3, commitItems: 3 });
    expect(s.notAcked).toEqual([]);
    expect(s.acked).toBe(ids.length);
    const held = desktop.devices.sync.heldStats;
    expect(held.spilled).toBeGreaterThan(0); // the budget was really exceeded
    expect(held.bytes).toBe(0); // nothing left held once everything is acknowledged
    await expectStoredExactly(desktop, agent, phone, ids);
    expect(desktop.devices.syncStore.uploadsOf(agent.state.state.desktop?.deviceId ?? '')).toEqual([]);
  });

  /**
   * Syncs files of these sizes with the agent's window at the desktop's budget: nothing
   * spills, later files reuse memory earlier ones gave back [Note: Held memory pool], and
   * every file is stored bit for bit.
   */
  async function syncWithinBudget(d: Desktop, sizes: number[], options: { commitItems: number; windowBytes: number }): Promise<void> {
    const { phone, ids } = phoneWith(sizes);
    const agent = await pairedAgent(d, phone);
    const s = await agent.sync({ concurrency: 3, ...options });
    expect(s.notAcked).toEqual([]);
    expect(s.acked).toBe(ids.length);
    expect(d.devices.sync.heldStats).toMatchObject({ bytes: 0, spilled: 0 });
    expect(d.devices.sync.heldStats.reused).toBeGreaterThan(0);
    await expectStoredExactly(d, agent, phone, ids);
  }

  it('an agent whose window is the desktop budget never makes it spill, and every file is stored', async () => {
    desktop = await startDesktop({ heldBytes: 3 * MiB });
    // The same files and options that spill in the test above, with the window at the budget.
    await syncWithinBudget(desktop, [1, 2, 1.5, 2, 1, 0.5, 2, 1, 1.5, 2].map((m) => Math.round(m * MiB)), { commitItems: 3, windowBytes: 3 * MiB });
  });

  it('small files carved out of shared slabs [Note: Carved small files] reuse memory and are stored bit for bit', async () => {
    desktop = await startDesktop({ heldBytes: 12 * MiB });
    // Screenshot-sized files (carved, several per slab) between photos (buffers of their own);
    // held-memory.test.ts pins the carving itself, this checks the stored bytes with it in play.
    const sizes = Array.from({ length: 120 }, (_, i) => (i % 10 === 9 ? 2 * MiB : 10_000 + ((i * 7919) % 500_000)));
    await syncWithinBudget(desktop, sizes, { commitItems: 8, windowBytes: 12 * MiB });
  });

  it('with no memory budget every upload goes through disk staging and is stored the same', async () => {
    desktop = await startDesktop({ heldBytes: 0 });
    const { phone, ids } = phoneWith([3 * MiB, 100_000, 1]);
    const agent = await pairedAgent(desktop, phone);
    const s = await agent.sync();
    expect(s.acked).toBe(ids.length);
    expect(desktop.devices.sync.heldStats).toEqual({ bytes: 0, spilled: 0, reused: 0 });
    await expectStoredExactly(desktop, agent, phone, ids);
  });

  it('a whole-file upload cut mid-way keeps the bytes that arrived, and the next sync sends only the rest', async () => {
    desktop = await startDesktop();
    const size = 12 * MiB; // one range: held in memory while it arrives
    const { phone, ids } = phoneWith([size]);
    const id = ids[0] as string;
    const agent = await pairedAgent(desktop, phone);
    const pinned = agent.state.state.desktop;
    if (!pinned) throw new Error('not paired');
    const proxy = await cuttingProxy(desktop.port, 6 * MiB);
    pinned.port = proxy.port;
    await expect(agent.sync({ retries: 0 })).rejects.toMatchObject({ code: 'NETWORK' });
    await proxy.close();
    pinned.port = desktop.port;
    while (desktop.devices.sync.uploadsInFlight > 0) await new Promise((r) => setTimeout(r, 20));
    const partial = desktop.devices.syncStore.upload(pinned.deviceId, id);
    expect(partial?.received).toBeGreaterThan(MiB);
    expect(partial?.received).toBeLessThan(size);
    expect(desktop.devices.sync.heldStats.bytes).toBe(0); // the reservation was given back
    const s = await agent.sync();
    expect(s.uploadedBytes).toBe(size - (partial?.received ?? 0));
    expect(s.acked).toBe(1);
    await expectStoredExactly(desktop, agent, phone, ids);
  });

  it('commits are pipelined: one in flight at a time, each within the caps, every file acknowledged once', async () => {
    desktop = await startDesktop();
    const { phone, ids } = phoneWith(Array.from({ length: 30 }, (_, i) => 20_000 + i * 1000));
    const agent = await pairedAgent(desktop, phone);
    const sync = desktop.devices.sync;
    const original = sync.commit.bind(sync);
    const sizes: number[] = [];
    let live = 0;
    let maxLive = 0;
    sync.commit = async (device, batch) => {
      live += 1;
      maxLive = Math.max(maxLive, live);
      sizes.push(batch.length);
      try {
        return await original(device, batch);
      } finally {
        live -= 1;
      }
    };
    const s = await agent.sync({ commitItems: 4, concurrency: 3 });
    expect(s.acked).toBe(ids.length);
    expect(maxLive).toBe(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ids.length);
    expect(agent.state.acked.size).toBe(ids.length);
  });
});
