// A staging write that fails mid-range (a full disk) keeps fewer bytes on disk than
// arrived. The desktop's running SHA-256 had already taken every byte that arrived, so it
// must be dropped: the next sync resumes from what landed and the file is stored intact,
// instead of the commit comparing a hash of bytes that never landed and starting over.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UploadStaging } from '../../../main/core/devices/staging';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

const SIZE = 6 * 1024 * 1024;
const id = 'DCIM/Camera/VID_20240601_120000.mp4';

describe('a staging write that fails mid-upload', () => {
  let desktop: Desktop;
  let phone: string;

  beforeAll(async () => {
    desktop = await startDesktop({ heldBytes: 0 }); // nothing held in memory: every range goes to disk staging
    phone = tempDir('keepsake-phone-');
    mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
    writeFileSync(join(phone, id), randomBytes(SIZE));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await desktop.close();
    removeAll(desktop.dir, phone);
  });

  it('resumes from the bytes that landed and stores the file intact', async () => {
    const agent = await pairedAgent(desktop, phone);
    // The disk fills once 3 MiB of the upload are staged: the next write fails.
    const real = UploadStaging.prototype.writer;
    let staged = 0;
    let failed = false;
    vi.spyOn(UploadStaging.prototype, 'writer').mockImplementation(function (this: UploadStaging, name: string, offset: number) {
      const w = real.call(this, name, offset);
      return {
        write(chunk: Buffer) {
          if (!failed && staged + chunk.length > 3 * 1024 * 1024) {
            failed = true;
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          w.write(chunk);
          staged += chunk.length;
        },
        close: () => w.close(),
      };
    });

    await expect(agent.sync({ retries: 0, rangeBytes: 2 * 1024 * 1024 })).rejects.toBeTruthy();
    expect(failed).toBe(true);
    while (desktop.devices.sync.uploadsInFlight > 0) await new Promise((r) => setTimeout(r, 20));
    const deviceId = agent.state.state.desktop?.deviceId ?? '';
    const partial = desktop.devices.syncStore.upload(deviceId, id);
    expect(partial?.received).toBeGreaterThan(0);
    expect(partial?.received).toBeLessThan(SIZE);

    const s = await agent.sync({ retries: 0, rangeBytes: 2 * 1024 * 1024 });
    expect(s.uploadedBytes).toBe(SIZE - (partial?.received ?? 0)); // resumed, not restarted
    expect(agent.state.acked.get(id)?.status).toBe('stored');
    const item = desktop.vault.listItems({ deviceId })[0];
    const h = createHash('sha256');
    for await (const c of desktop.vault.readFile(item?.id ?? '')) h.update(c as Buffer);
    expect(h.digest('hex')).toBe(createHash('sha256').update(readFileSync(join(phone, id))).digest('hex'));
  });
});
