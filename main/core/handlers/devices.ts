// devices.* handlers: thin calls into the vault's DevicesService (main/core/devices).
import type { Core } from '../core';
import { displayFingerprint } from '../devices/certificate';
import { devicesFor, existingDevices } from '../devices/registry';
import type { DevicesService } from '../devices/service';
import { gatewayPort } from '../devices/gateway-port';
import type { DomainHandlers } from './types';

function gatewayState(svc: DevicesService | null): { running: boolean; listening: Array<{ host: string; port: number }>; connections: { pending: number; pairing: number; devices: number } } {
  const s = svc?.gatewayStatus();
  return s?.running ? { running: true, listening: s.listening, connections: s.connections } : { running: false, listening: [], connections: { pending: 0, pairing: 0, devices: 0 } };
}

function changed(core: Core, reason: string): void {
  core.events.emit('devices.changed', { reason });
}

export const devicesHandlers: DomainHandlers<'devices'> = {
  'devices.identity': async (_input, core) => {
    const id = devicesFor(core).identity();
    return { fingerprint: id.fingerprint, display: displayFingerprint(id.fingerprint), createdAt: id.createdAt };
  },
  'devices.list': async (_input, core) => ({ devices: devicesFor(core).list() }),
  'devices.pairingStart': async ({ host }, core) => {
    const p = await devicesFor(core).startPairing(host);
    return { uri: p.uri, svg: p.svg, terminal: p.terminal, expires: p.payload.expires, host: p.payload.host, port: p.payload.port, fingerprint: p.payload.fingerprint };
  },
  'devices.pairingCancel': async (_input, core) => {
    devicesFor(core).cancelPairing();
    return {};
  },
  'devices.unpair': async ({ id }, core) => {
    const svc = devicesFor(core);
    const d = await svc.sync.turn(() => svc.unpair(id)); // in turn with the vault's writes (storage worker)
    changed(core, 'unpaired');
    return d;
  },
  'devices.setOptions': async ({ id, ...options }, core) => {
    const clean = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    const svc = devicesFor(core);
    const d = await svc.sync.turn(() => svc.setOptions(id, clean)); // in turn with the vault's writes (storage worker)
    changed(core, 'options');
    return d;
  },
  'devices.gatewayStart': async ({ hosts, port }, core) => {
    const svc = devicesFor(core);
    await svc.startGateway({ hosts: hosts ?? ['0.0.0.0'], port: port ?? gatewayPort() });
    core.settings.update({ phoneGateway: true }); // start it again at the next unlock
    changed(core, 'gateway-started');
    return gatewayState(svc);
  },
  'devices.gatewayStop': async (_input, core) => {
    const svc = devicesFor(core);
    await svc.stopGateway();
    core.settings.update({ phoneGateway: false });
    changed(core, 'gateway-stopped');
    return gatewayState(svc);
  },
  'devices.gatewayStatus': async (_input, core) => gatewayState(existingDevices(core)),
};
