// A real desktop for device tests: a vault in a temp folder (cheap KDF), the
// DevicesService over its index with the VaultIngestSink, and the gateway on 127.0.0.1
// with an ephemeral port. Plus an agent factory over a temp phone folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { KeepsakeAgent } from '../../../../agent/src/agent';
import type { ConsentGate } from '../../../../main/core/devices/consent';
import type { GatewayLimits } from '../../../../main/core/devices/gateway';
import { DevicesService } from '../../../../main/core/devices/service';
import { VaultIngestSink } from '../../../../main/core/devices/vault-sink';
import type { Log } from '../../../../main/core/log';
import { Vault } from '../../../../main/core/vault/vault';

export const quietLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export interface Desktop {
  dir: string;
  vault: Vault;
  devices: DevicesService;
  port: number;
  close(): Promise<void>;
}

export async function startDesktop(opts: { dir?: string; limits?: Partial<GatewayLimits>; consent?: ConsentGate; now?: () => number; create?: boolean; heldBytes?: number } = {}): Promise<Desktop> {
  const dir = opts.dir ?? tempDir('keepsake-devices-');
  const vault = opts.create === false || Vault.exists(dir)
    ? await Vault.open(dir, { passphrase: 'correct horse battery staple' }, { fastKdfForTests: true })
    : (await Vault.create(dir, 'correct horse battery staple', { fastKdfForTests: true })).vault;
  const devices = new DevicesService({
    db: vault.indexDb,
    masterKey: vault.masterKey,
    stagingDir: join(dir, 'devices', 'staging'),
    sink: new VaultIngestSink(vault, quietLog),
    ...(opts.consent ? { consent: opts.consent } : {}),
    ...(opts.heldBytes !== undefined ? { heldBytes: opts.heldBytes } : {}),
    log: quietLog,
    now: opts.now ?? Date.now,
  });
  const status = await devices.startGateway({ hosts: ['127.0.0.1'], port: 0, ...(opts.limits ? { limits: opts.limits } : {}) });
  return {
    dir,
    vault,
    devices,
    port: status.listening[0]?.port ?? 0,
    async close() {
      await devices.close();
      vault.close();
    },
  };
}

const made: string[] = [];
// Every temp folder a test file made is removed after the file, even the ones a test did
// not remove itself (agent state folders, throwaway phones). Only under Vitest: the
// desktop child process imports this module too.
if (process.env.VITEST) {
  afterAll(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
}

export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function removeAll(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** An agent over `phone`, paired with `desktop` through a fresh QR payload. */
export async function pairedAgent(desktop: Desktop, phone: string, name = 'Test phone'): Promise<KeepsakeAgent> {
  const agent = new KeepsakeAgent(phone, tempDir('keepsake-agent-state-'));
  const { uri } = await desktop.devices.startPairing();
  await agent.pair(uri, { name, kind: 'android' });
  return agent;
}
