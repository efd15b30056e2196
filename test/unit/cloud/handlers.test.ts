// The cloud.* contract through core's dispatcher: add a target with its live conformance
// result, refuse a target that fails the check, run sync as a job (progress, pause and
// resume, outcome in the history), schedule, bandwidth, health, remove — and secrets never
// come back out of any method.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../common/contract/jobs';
import { Core } from '../../../main/core/core';
import { call } from '../../../main/core/dispatch';
import { silentLog } from '../../../main/core/log';
import { Vault } from '../../../main/core/vault/vault';
import { startRig, type TargetRig } from './helpers';
import { FIXTURES, tempDir } from './mirror-helpers';

let core: Core;
let home: string;
let rig: TargetRig;
beforeEach(async () => {
  home = tempDir('handlers');
  core = new Core({ dataFolder: home, hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(home, 'a passphrase for the test', { fastKdfForTests: true })).vault;
  await core.vault.backupFolder(join(FIXTURES, 'contacts'));
  rig = await startRig('s3');
});
afterEach(async () => {
  await core.close();
  await rig.close();
  rmSync(home, { recursive: true, force: true });
});

function finished(id: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const check = (info: JobInfo): void => {
      if (info.id === id && ['succeeded', 'failed', 'cancelled'].includes(info.state)) {
        off();
        resolve(info);
      }
    };
    const off = core.events.subscribe((e) => {
      if (e.name === 'job.progressed') check(e.payload);
    });
    check(core.jobs.get(id));
  });
}

describe('cloud.* handlers', () => {
  it('adds a target after a live check, syncs it as a job, and reports health without secrets', async () => {
    const secrets = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const added = await call(core, 'cloud.addTarget', { settings: { kind: 's3', endpoint: rig.url, bucket: 'keepsake-test', pathStyle: true }, secrets });
    expect(added.conformance.ok).toBe(true);
    expect(added.conformance.checks.length).toBeGreaterThan(5);
    expect(added.target.health.line).toMatch(/^Never synced/);

    const job = await call(core, 'cloud.sync', {});
    expect(job.kind).toBe('cloud.sync');
    const done = await finished(job.id);
    expect(done.state).toBe('succeeded');
    expect(done.summary).toMatch(/^version 1: \d+ new packs? of \d+, \d+ of \d+ index pages, [\d.]+ [KMG]?B up/);

    await call(core, 'cloud.setSchedule', { id: added.target.id, everyMinutes: 60 });
    const limited = await call(core, 'cloud.setBandwidth', { id: added.target.id, bytesPerSecond: 1_000_000 });
    expect(limited).toMatchObject({ scheduleMinutes: 60, bandwidthBps: 1_000_000 });
    const [health] = await call(core, 'cloud.health', {});
    expect(health?.health.line).toMatch(/^Last synced just now · .* up · \d+ objects · no errors$/);

    const everything = JSON.stringify([await call(core, 'cloud.targets', {}), added, health]);
    expect(everything).not.toContain('"secretAccessKey"');
    expect(everything).not.toContain('"accessKeyId"');

    await call(core, 'cloud.removeTarget', { id: added.target.id });
    expect(await call(core, 'cloud.targets', {})).toEqual([]);
  });

  it('pauses and resumes a sync job, and it still completes', async () => {
    const folder = tempDir('handler-folder');
    try {
      const added = await call(core, 'cloud.addTarget', { settings: { kind: 'folder', path: folder } });
      await call(core, 'cloud.setBandwidth', { id: added.target.id, bytesPerSecond: 200_000 });
      const job = await call(core, 'cloud.sync', { id: added.target.id });
      expect(core.jobs.pause(job.id).state).toBe('paused');
      expect(core.jobs.resume(job.id).state).toBe('running');
      expect((await finished(job.id)).state).toBe('succeeded');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a target that cannot hold the vault safely, and stores nothing', async () => {
    await expect(call(core, 'cloud.addTarget', { settings: { kind: 'folder', path: join(home, 'no-such-folder') } })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(await call(core, 'cloud.targets', {})).toEqual([]);
  });

  it('fails the sync job naming the target when it cannot be reached', async () => {
    const added = await call(core, 'cloud.addTarget', { settings: { kind: 's3', endpoint: rig.url, bucket: 'keepsake-test', pathStyle: true }, secrets: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await rig.close();
    const job = await call(core, 'cloud.sync', { id: added.target.id });
    const done = await finished(job.id);
    expect(done.state).toBe('failed');
    expect(done.error?.message).toMatch(/^S3 keepsake-test/);
    const [t] = await call(core, 'cloud.targets', {});
    expect(t?.health.errors).toBe(1);
    expect(t?.health.line).toMatch(/Last attempt failed/);
  });
});
