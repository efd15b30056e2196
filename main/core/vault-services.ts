// What runs while the vault is unlocked, started and stopped in one place: the cloud
// schedule (scheduled mirrors), watch folders, and, when the person turned it on, the
// phone gateway.
// Both stop before the vault closes (Core.beforeLock), so nothing uses a closed index.
// Loaded lazily: the cloud SDKs and TLS code cost start-up time most commands never need.
import type { Core } from './core';

const attached = new WeakSet<Core>();

export function attachVaultServices(core: Core): void {
  if (attached.has(core)) return;
  attached.add(core);
  core.events.subscribe((e) => {
    if (e.name === 'vault.changed' && e.payload.state === 'unlocked') void startServices(core);
  });
  // The watch service follows vault.changed itself once attached.
  void import('./intake/watch/service')
    .then((m) => m.attachWatchFolders(core))
    .catch((e: unknown) => core.log.warn('watch.attach-failed', { error: e instanceof Error ? e.message : String(e) }));
  core.beforeLock(async () => {
    const { closeDevices } = await import('./devices/registry');
    await closeDevices(core);
  });
}

async function startServices(core: Core): Promise<void> {
  try {
    const { ensureScheduler } = await import('./cloud/service');
    ensureScheduler(core);
    if (core.settings.get().phoneGateway) {
      const { devicesFor } = await import('./devices/registry');
      const { gatewayPort } = await import('./devices/gateway-port');
      await devicesFor(core).startGateway({ hosts: ['0.0.0.0'], port: gatewayPort() });
      core.events.emit('devices.changed', { reason: 'gateway-started' });
    }
  } catch (e) {
    core.log.warn('services.start-failed', { error: e instanceof Error ? e.message : String(e) });
  }
}
