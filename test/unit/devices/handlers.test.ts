// devices.* through the contract dispatcher on a real Core: identity, gateway start,
// pairing by the QR payload the handler returns, list with statistics, options, unpair,
// stop — and locking the vault stops the gateway.
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeepsakeAgent } from '../../../agent/src/agent';
import { Core } from '../../../main/core/core';
import { call } from '../../../main/core/dispatch';
import { Vault } from '../../../main/core/vault/vault';
import { buildPhoneFolder } from './support/phone-fixture';
import { quietLog, removeAll, tempDir } from './support/harness';

describe('devices.* handlers', () => {
  let dir: string;
  let core: Core;

  beforeEach(async () => {
    dir = tempDir('keepsake-devices-core-');
    core = new Core({ dataFolder: dir, hostKind: 'cli', log: quietLog });
    core.vault = (await Vault.create(dir, 'correct horse battery staple', { fastKdfForTests: true })).vault;
  });
  afterEach(async () => {
    await call(core, 'devices.gatewayStop', {}).catch(() => undefined);
    await core.close();
    removeAll(dir);
  });

  it('pairs, lists, configures and unpairs a phone through the contract', async () => {
    const idn = await call(core, 'devices.identity', {});
    expect(idn.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(idn.display).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const gw = await call(core, 'devices.gatewayStart', { hosts: ['127.0.0.1'], port: 0 });
    expect(gw.running).toBe(true);
    const pairing = await call(core, 'devices.pairingStart', {});
    expect(pairing.fingerprint).toBe(idn.fingerprint);
    expect(pairing.svg).toContain('<svg');
    const phone = tempDir('keepsake-phone-');
    buildPhoneFolder(phone);
    const agent = new KeepsakeAgent(phone, tempDir('keepsake-agent-state-'));
    await agent.pair(pairing.uri, { name: 'Contract phone' });
    await agent.sync();
    const { devices } = await call(core, 'devices.list', {});
    expect(devices).toHaveLength(1);
    const d = devices[0];
    expect(d?.stats.find((s) => s.category === 'photo')?.items).toBe(4);
    const child = await call(core, 'devices.setOptions', { id: d?.id ?? '', child: true });
    expect(child.child).toBe(true);
    await expect(call(core, 'devices.setOptions', { id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const gone = await call(core, 'devices.unpair', { id: d?.id ?? '' });
    expect(gone.pinnedFingerprint).not.toBeNull();
    expect(gone.revokedAt).not.toBeNull();
    await expect(agent.hello()).rejects.toMatchObject({ code: 'NETWORK' });
    const stopped = await call(core, 'devices.gatewayStop', {});
    expect(stopped.running).toBe(false);
    removeAll(phone);
  });

  it('bad input is refused by the contract; pairing needs a running gateway', async () => {
    await expect(call(core, 'devices.gatewayStart', { hosts: ['bad host!'] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(call(core, 'devices.pairingStart', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('locking the vault stops its gateway', async () => {
    const gw = await call(core, 'devices.gatewayStart', { hosts: ['127.0.0.1'], port: 0 });
    const port = gw.listening[0]?.port ?? 0;
    expect((await call(core, 'devices.gatewayStatus', {})).running).toBe(true);
    await call(core, 'vault.lock', {});
    // The port is really closed, not only reported so.
    const refused = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve('connected')));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect((await call(core, 'devices.gatewayStatus', {})).running).toBe(false);
    await expect(call(core, 'devices.list', {})).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });
});
