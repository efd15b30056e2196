// A large video whose upload is cut mid-way (a proxy drops every connection after 20 MiB)
// resumes on the next sync from the byte the desktop holds: only the rest is sent, and
// the stored video is bit-identical. Until then the video is not acknowledged.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cuttingProxy } from './support/cutting-proxy';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

const SIZE = Number(process.env.KEEPSAKE_RESUME_MB ?? 48) * 1024 * 1024;

describe('resumable upload of a large video', () => {
  let desktop: Desktop;
  let phone: string;

  beforeAll(async () => {
    desktop = await startDesktop();
    phone = tempDir('keepsake-phone-');
    mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
    // Random bytes: incompressible, like real video.
    const fd = openSync(join(phone, 'DCIM', 'Camera', 'VID_20240501_100000.mp4'), 'w');
    for (let done = 0; done < SIZE; done += 4 << 20) writeSync(fd, randomBytes(Math.min(4 << 20, SIZE - done)));
    closeSync(fd);
  });
  afterAll(async () => {
    await desktop.close();
    removeAll(desktop.dir, phone);
  });

  it('resumes after the connection is cut mid-upload and sends only the rest', async () => {
    const agent = await pairedAgent(desktop, phone);
    const pinned = agent.state.state.desktop;
    if (!pinned) throw new Error('not paired');
    const proxy = await cuttingProxy(desktop.port, 20 * 1024 * 1024);
    pinned.port = proxy.port;
    await expect(agent.sync({ retries: 0, rangeBytes: 8 * 1024 * 1024 })).rejects.toMatchObject({ code: 'NETWORK' });
    await proxy.close();
    pinned.port = desktop.port;
    // Wait for the fact: the desktop finished counting the bytes of the cut request.
    while (desktop.devices.sync.uploadsInFlight > 0) await new Promise((r) => setTimeout(r, 20));

    const id = 'DCIM/Camera/VID_20240501_100000.mp4';
    expect(agent.state.acked.has(id)).toBe(false);
    const deviceId = pinned.deviceId;
    const partial = desktop.devices.syncStore.upload(deviceId, id);
    expect(partial?.received).toBeGreaterThan(8 * 1024 * 1024); // more than one whole range survived
    expect(partial?.received).toBeLessThan(SIZE);
    expect(desktop.vault.listItems({ deviceId })).toHaveLength(0);

    const s = await agent.sync({ rangeBytes: 8 * 1024 * 1024 });
    expect(s.uploadedBytes).toBe(SIZE - (partial?.received ?? 0));
    expect(s.acked).toBe(1);
    expect(agent.state.acked.get(id)?.status).toBe('stored');
    const item = desktop.vault.listItems({ deviceId })[0];
    expect(item?.category).toBe('video');
    const h = createHash('sha256');
    for await (const c of desktop.vault.readFile(item?.id ?? '')) h.update(c as Buffer);
    expect(h.digest('hex')).toBe(createHash('sha256').update(readFileSync(join(phone, id))).digest('hex'));
    // The staging copy is gone once the vault holds the video.
    expect(desktop.devices.syncStore.upload(deviceId, id)).toBeNull();
  });
});
