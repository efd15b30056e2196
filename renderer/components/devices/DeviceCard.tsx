// One paired phone: what it is, when it last synced, what it holds per category, and its
// options — name, child's device (syncs nothing without a guardian's consent), whether
// deletions on the phone erase the archive — plus unpair and the guardian's erase.
import { Smartphone } from 'lucide-react';
import { useState } from 'react';
import type { DeviceInfo } from '../../../common/contract/devices';
import { categoryLabels } from '../../../common/domain';
import { humanBytes, humanCount } from '../../../common/format';
import { api, ApiError } from '../../api/client';
import { useSensitive } from '../../api/use-sensitive';
import { relativeTime } from '../../format-time';
import { EraseDialog } from '../privacy/EraseDialog';
import { ReverifyDialog } from '../ReverifyDialog';

export function DeviceCard({ device, childConsent, onChanged }: { device: DeviceInfo; childConsent: boolean; onChanged(): void }) {
  const [error, setError] = useState('');
  const [erasing, setErasing] = useState(false);
  const sensitive = useSensitive();
  const revoked = device.revokedAt !== null;
  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      setError('');
      await fn();
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CANCELLED') return;
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const total = device.stats.reduce((a, s) => ({ items: a.items + s.items, bytes: a.bytes + s.bytes }), { items: 0, bytes: 0 });
  return (
    <li className="card stack" data-testid="device">
      <div className="row spread">
        <span className="row">
          <Smartphone size={18} aria-hidden="true" />
          <strong>{device.name}</strong>
          <span className="muted">
            {device.model ?? device.kind}
            {device.child ? ' · child' : ''}
            {revoked ? ' · unpaired' : ''}
          </span>
        </span>
        <span className="muted small">
          Paired {relativeTime(device.pairedAt)} · {device.lastSyncAt ? `last sync ${relativeTime(device.lastSyncAt)}` : 'never synced'}
        </span>
      </div>
      <p className="muted">
        {total.items ? `${humanCount(total.items)} items, ${humanBytes(total.bytes)}: ` : 'Nothing synced yet.'}
        {device.stats
          .filter((s) => s.items)
          .map((s) => `${humanCount(s.items)} ${categoryLabels[s.category].toLowerCase()}`)
          .join(', ')}
      </p>
      {device.child && !childConsent && !revoked ? (
        <div className="notice error row spread wrap">
          <span>This is a child&apos;s device: it syncs nothing until you, as the guardian, allow it.</span>
          <button type="button" className="button small" onClick={() => void act(() => sensitive.run(() => api.call('consent.grantChild', { deviceId: device.id })))}>
            Allow backup as guardian…
          </button>
        </div>
      ) : null}
      {!revoked ? (
        <div className="row wrap">
          <label className="check">
            <input type="checkbox" checked={device.child} onChange={(e) => void act(() => api.call('devices.setOptions', { id: device.id, child: e.target.checked }))} />
            <span>A child&apos;s device (under 13)</span>
          </label>
          <label className="check">
            <input type="checkbox" checked={device.deleteFollowsPhone} onChange={(e) => void act(() => api.call('devices.setOptions', { id: device.id, deleteFollowsPhone: e.target.checked }))} />
            <span>Deleting on the phone also erases the archived copy</span>
          </label>
        </div>
      ) : null}
      <div className="row">
        {!revoked ? (
          <button
            type="button"
            className="button small"
            onClick={() => {
              if (window.confirm(`Unpair ${device.name}? It can no longer sync until paired again. What it already backed up stays.`)) void act(() => api.call('devices.unpair', { id: device.id }));
            }}
          >
            Unpair…
          </button>
        ) : null}
        {total.items ? (
          <button type="button" className="button small ghost" onClick={() => setErasing(true)}>
            Erase everything from this device…
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      {erasing ? <EraseDialog selection={{ deviceId: device.id }} label={`everything from ${device.name}`} open={erasing} onOpenChange={setErasing} onErased={onChanged} /> : null}
      <ReverifyDialog sensitive={sensitive} />
    </li>
  );
}
