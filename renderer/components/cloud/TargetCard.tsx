// One cloud target: what it is, its health line, sync now, schedule, bandwidth, remove.
import { Cloud, Folder, Server } from 'lucide-react';
import { useState } from 'react';
import type { TargetInfo } from '../../../common/contract/cloud';
import { humanBytes } from '../../../common/format';
import { api, ApiError } from '../../api/client';

const ICONS = { s3: Cloud, webdav: Server, folder: Folder } as const;
const SCHEDULES = [0, 15, 60, 360, 1440];
const BANDWIDTHS = [0, 250_000, 1_000_000, 5_000_000, 20_000_000];

function where(t: TargetInfo): string {
  const s = t.settings;
  if (s.kind === 'folder') return s.path;
  if (s.kind === 'webdav') return `${s.url} as ${s.username}`;
  return `${s.endpoint ?? 'AWS S3'} · bucket ${s.bucket}${s.prefix ? `/${s.prefix}` : ''}`;
}

export function TargetCard({ target, onChanged }: { target: TargetInfo; onChanged(): void }) {
  const [error, setError] = useState('');
  const Icon = ICONS[target.kind];
  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      setError('');
      await fn();
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <li className="card stack target" data-testid="target">
      <div className="row spread">
        <span className="row">
          <Icon size={18} aria-hidden="true" />
          <strong>{target.label}</strong>
        </span>
        <button type="button" className="button small primary" onClick={() => void act(() => api.call('cloud.sync', { id: target.id }))}>
          Sync now
        </button>
      </div>
      <p className="muted small">{where(target)}</p>
      <p className={target.health.lastError ? 'notice error' : 'health'} data-testid="health">
        {target.health.line}
      </p>
      <div className="row wrap">
        <label className="field inline">
          <span>Sync</span>
          <select value={target.scheduleMinutes} onChange={(e) => void act(() => api.call('cloud.setSchedule', { id: target.id, everyMinutes: Number(e.target.value) }))}>
            {[...new Set([...SCHEDULES, target.scheduleMinutes])].map((m) => (
              <option key={m} value={m}>
                {m === 0 ? 'Only when I ask' : m < 60 ? `Every ${m} minutes` : m === 60 ? 'Every hour' : m % 1440 === 0 ? `Every ${m / 1440 === 1 ? 'day' : `${m / 1440} days`}` : `Every ${m / 60} hours`}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Upload speed</span>
          <select value={target.bandwidthBps} onChange={(e) => void act(() => api.call('cloud.setBandwidth', { id: target.id, bytesPerSecond: Number(e.target.value) }))}>
            {[...new Set([...BANDWIDTHS, target.bandwidthBps])].map((b) => (
              <option key={b} value={b}>
                {b === 0 ? 'Unlimited' : `Up to ${humanBytes(b)}/s`}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button small ghost"
          onClick={() => {
            if (window.confirm(`Stop mirroring to ${target.label}? What is stored there stays as it is (encrypted).`)) void act(() => api.call('cloud.removeTarget', { id: target.id }));
          }}
        >
          Remove…
        </button>
      </div>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
