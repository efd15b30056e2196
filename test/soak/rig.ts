// The soak's world: a real encrypted vault in a temp folder with a Core over it, the
// devices gateway on 127.0.0.1 with a paired reference agent over a phone folder, and
// s3rver behind the seeded fault proxy (5 % of requests faulted) as the cloud target.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeepsakeAgent } from '../../agent/src/agent';
import { CloudStore } from '../../main/core/cloud/mirror/cloud-store';
import { S3Target } from '../../main/core/cloud/s3-target';
import type { CloudTarget } from '../../main/core/cloud/target';
import { Core } from '../../main/core/core';
import { DevicesService } from '../../main/core/devices/service';
import { VaultIngestSink } from '../../main/core/devices/vault-sink';
import { silentLog } from '../../main/core/log';
import { Vault } from '../../main/core/vault/vault';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startS3Server, type S3TestServer } from '../support/s3-server';

export const SOAK_PASS = 'soak test passphrase';

export interface Rig {
  dir: string;
  /** The vault's data folder. */
  home: string;
  core: Core;
  vault: Vault;
  recoveryKey: string;
  devices: DevicesService;
  agent: KeepsakeAgent;
  phone: string;
  s3: S3TestServer;
  proxy: FaultProxy;
  /** Through the fault proxy. */
  target: CloudTarget;
  /** Straight to s3rver (for restore-and-compare). */
  cleanTarget(): CloudTarget;
  cloud: CloudStore;
  targetId: string;
  close(): Promise<void>;
}

export async function startRig(seed: number, toxicity = 0.05): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-soak-'));
  const home = join(dir, 'home');
  const { vault, recoveryKey } = await Vault.create(home, SOAK_PASS, { fastKdfForTests: true });
  const core = new Core({ dataFolder: home, hostKind: 'cli', log: silentLog });
  core.vault = vault;
  const devices = new DevicesService({ db: vault.indexDb, masterKey: vault.masterKey, stagingDir: join(home, 'devices', 'staging'), sink: new VaultIngestSink(vault, silentLog), log: silentLog, now: Date.now });
  await devices.startGateway({ hosts: ['127.0.0.1'], port: 0 });
  const phone = join(dir, 'phone');
  mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
  const agent = new KeepsakeAgent(phone, join(dir, 'agent-state'));
  const { uri } = await devices.startPairing();
  await agent.pair(uri, { name: 'Soak phone', kind: 'android' });
  const s3 = await startS3Server();
  const proxy = await startFaultProxy(s3.endpoint, { seed, toxicity, stallMs: 100, retryAfterSeconds: 1 });
  const s3Target = (endpoint: string): CloudTarget =>
    new S3Target({ endpoint, bucket: s3.bucket, prefix: 'vault', pathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, listPageSize: 1000, requestTimeoutMs: 10_000 });
  const target = s3Target(proxy.url);
  const cloud = new CloudStore(vault.indexDb);
  const targetId = cloud.add({ kind: 'folder', path: '/soak-s3' }, {}).id;
  return {
    dir,
    home,
    core,
    vault,
    recoveryKey,
    devices,
    agent,
    phone,
    s3,
    proxy,
    target,
    cleanTarget: () => s3Target(s3.endpoint),
    cloud,
    targetId,
    async close() {
      await target.close();
      await devices.close();
      await core.close();
      await proxy.close();
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
