// "Stored in": every place a copy of this item lives (from the copies table — the same
// rows the data map counts and erasure walks): location, since when, how it is encrypted,
// when it was last verified.
import { HardDrive, Cloud, Smartphone, Archive, FileOutput, type LucideIcon } from 'lucide-react';
import { useQuery } from '../api/hooks';
import { formatDate } from '../library/format';

const ICONS: Record<string, LucideIcon> = { vault: HardDrive, cloud: Cloud, phone: Smartphone, snapshot: Archive, export: FileOutput };

export function StoredIn({ id }: { id: string }) {
  const { data, error } = useQuery('items.copies', { id });
  return (
    <section className="stored-in" aria-labelledby={`stored-${id}`}>
      <h3 id={`stored-${id}`}>Stored in</h3>
      {error ? <p className="error-text">{error.message}</p> : null}
      {!data ? <p className="muted">Loading…</p> : null}
      {data && data.items.length === 0 ? <p className="muted">No copies are recorded for this item.</p> : null}
      <ul className="plain-list">
        {data?.items.map((c) => {
          const Icon = ICONS[c.kind] ?? HardDrive;
          return (
            <li key={c.locationId} className="copy-row">
              <Icon size={16} aria-hidden="true" />
              <div>
                <strong>{c.name}</strong> <span className="muted">({c.state})</span>
                <div className="hint">
                  Since {formatDate(c.since, false)} · {c.encryption === 'aes-256-gcm/item-key' ? 'AES-256-GCM, own key per item' : c.encryption} · {c.lastVerified ? `verified ${formatDate(c.lastVerified, false)}` : 'not verified yet'}
                </div>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
