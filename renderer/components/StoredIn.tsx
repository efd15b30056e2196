// "Stored in": every place a copy of this item lives (from the copies table — the same
// rows the data map counts and erasure walks): location, since when, how it is encrypted,
// when it was last verified — and "Erase everywhere…", which walks the same rows.
import { HardDrive, Cloud, Smartphone, Archive, FileOutput, Trash2, type LucideIcon } from 'lucide-react';
import { useState } from 'react';
import { useQuery } from '../api/hooks';
import { formatDate } from '../library/format';
import { EraseDialog } from './privacy/EraseDialog';

const ICONS: Record<string, LucideIcon> = { vault: HardDrive, cloud: Cloud, phone: Smartphone, snapshot: Archive, export: FileOutput };

export function StoredIn({ id, onErased }: { id: string; onErased?(): void }) {
  const { data, error } = useQuery('items.copies', { id });
  const [erasing, setErasing] = useState(false);
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
      {data && data.items.length ? (
        <button type="button" className="button small danger-outline" onClick={() => setErasing(true)}>
          <Trash2 size={14} aria-hidden="true" /> Erase everywhere…
        </button>
      ) : null}
      {erasing ? <EraseDialog selection={{ itemIds: [id] }} label="this item" open={erasing} onOpenChange={setErasing} {...(onErased ? { onErased } : {})} /> : null}
    </section>
  );
}
