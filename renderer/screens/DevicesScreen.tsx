// Devices: the phones that back up to this computer over the home network, the gateway
// they sync through, and pairing a new one.
import { Smartphone } from 'lucide-react';
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import { useEvent, useQuery } from '../api/hooks';
import { DeviceCard } from '../components/devices/DeviceCard';
import { PairDialog } from '../components/devices/PairDialog';
import { EmptyState } from '../components/EmptyState';
import { EraseDialog } from '../components/privacy/EraseDialog';
import { Screen } from '../components/Screen';

export function DevicesScreen() {
  const devices = useQuery('devices.list', {});
  const gateway = useQuery('devices.gatewayStatus', {});
  const consents = useQuery('consent.list', {});
  const [pairing, setPairing] = useState(false);
  const [erasingChildren, setErasingChildren] = useState(false);
  const [error, setError] = useState('');
  const reload = (): void => {
    devices.reload();
    gateway.reload();
    consents.reload();
  };
  useEvent('devices.changed', reload);
  const list = devices.data?.devices ?? [];
  const liveChild = new Set((consents.data ?? []).filter((c) => c.subject === 'child-data' && c.live).map((c) => c.recipient.replace(/^device:/, '')));
  const hasChildren = list.some((d) => d.child && d.stats.some((s) => s.items));

  async function toggleGateway(): Promise<void> {
    try {
      setError('');
      await (gateway.data?.running ? api.call('devices.gatewayStop', {}) : api.call('devices.gatewayStart', {}));
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  const pair = (
    <button type="button" className="button primary" onClick={() => setPairing(true)}>
      Pair a phone…
    </button>
  );
  return (
    <Screen title="Devices" subtitle="Phones that back up to this computer over your home network — no cable, no vendor cloud." actions={list.length ? pair : undefined}>
      <div className="card row spread wrap gateway" data-testid="gateway">
        <span>
          <strong>Sync gateway: {gateway.data?.running ? 'on' : 'off'}</strong>{' '}
          <span className="muted">
            {gateway.data?.running
              ? `listening on ${gateway.data.listening.map((l) => `${l.host}:${l.port}`).join(', ')} · ${gateway.data.connections.devices} phone connection${gateway.data.connections.devices === 1 ? '' : 's'}`
              : 'Phones cannot sync until it is on. Only paired phones can use it.'}
          </span>
        </span>
        <button type="button" className="button small" onClick={() => void toggleGateway()}>
          {gateway.data?.running ? 'Turn off' : 'Turn on'}
        </button>
      </div>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      {list.length === 0 && !devices.loading ? (
        <EmptyState icon={Smartphone} title="No phones paired yet" actions={pair}>
          Pair a phone to back it up over your home network. Pairing shows a QR code that the phone scans; from then on both sides pin each other&apos;s certificate, so nothing else can pose as either.
        </EmptyState>
      ) : (
        <ul className="plain-list stack-lg">
          {list.map((d) => (
            <DeviceCard key={d.id} device={d} childConsent={liveChild.has(d.id)} onChanged={reload} />
          ))}
        </ul>
      )}
      {hasChildren ? (
        <div className="card row spread wrap">
          <span>Erase everything that came from your children&apos;s devices, everywhere Keepsake keeps it, in one step.</span>
          <button type="button" className="button small danger" onClick={() => setErasingChildren(true)}>
            Erase children&apos;s data…
          </button>
        </div>
      ) : null}
      {erasingChildren ? <EraseDialog selection={{ childDevices: true }} label="everything from the children's devices" open={erasingChildren} onOpenChange={setErasingChildren} onErased={reload} /> : null}
      <PairDialog open={pairing} onOpenChange={(o) => (setPairing(o), o ? undefined : reload())} />
    </Screen>
  );
}
