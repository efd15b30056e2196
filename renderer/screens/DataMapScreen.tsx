// The data map: categories × locations, each cell with count, bytes, personal/non-personal
// split and encryption; a cell opens the items it counts, and each item its "Stored in".
import { Map as MapIcon } from 'lucide-react';
import { useState } from 'react';
import type { Category } from '../../common/domain';
import { categoryLabels } from '../../common/domain';
import { useQuery } from '../api/hooks';
import { useAppActions } from '../app-actions';
import { ItemDialog } from '../components/ItemDialog';
import { Screen } from '../components/Screen';
import { formatBytes, formatDate, formatNumber } from '../library/format';
import { useLibraryChanged } from '../library/use-library-changed';
import { usePages } from '../library/use-pages';
import { GuideScreen } from './GuideScreen';

const ENCRYPTION: Record<string, string> = { 'aes-256-gcm/item-key': 'AES-256-GCM, key per item' };

export function DataMapScreen() {
  const { data, error, reload } = useQuery('datamap.matrix', {});
  useLibraryChanged(reload); // counts follow imports, phone syncs and erasures while on screen
  const { openImport } = useAppActions();
  const [cell, setCell] = useState<{ category: Category; locationId: number } | null>(null);
  if (error) return <Screen title="Data map"><p className="notice error">{error.message}</p></Screen>;
  if (!data) return <Screen title="Data map"><p className="muted">Loading…</p></Screen>;
  if (data.rows.length === 0) {
    return (
      <GuideScreen title="Data map" subtitle="Every place each personal item is stored." icon={MapIcon} heading="No copies to map yet" actions={<button type="button" className="button primary" onClick={openImport}>Import…</button>}>
        Once something is imported, this map shows each category against each place a copy lives — your phones, this computer&apos;s vault, each cloud target, snapshots and exports — with counts, sizes and how each copy is encrypted.
      </GuideScreen>
    );
  }
  return (
    <Screen title="Data map" subtitle="Every place each item is stored. Choose a cell to see its items.">
      <div className="table-scroll">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">Category</th>
              {data.locations.map((l) => (
                <th key={l.id} scope="col">
                  {l.name}
                  <span className="hint"> · {l.kind}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.category}>
                <th scope="row">{categoryLabels[r.category]}</th>
                {data.locations.map((l) => {
                  const c = r.cells.find((x) => x.locationId === l.id);
                  return (
                    <td key={l.id}>
                      {c ? (
                        <button type="button" className="cell-button" onClick={() => setCell({ category: r.category, locationId: l.id })} aria-label={`${categoryLabels[r.category]} in ${l.name}: ${c.count} items`}>
                          <strong>{formatNumber(c.count)}</strong> {c.bytes ? <span>{formatBytes(c.bytes)}</span> : null}
                          <span className="hint">
                            {formatNumber(c.personal)} personal{c.nonPersonal ? ` · ${formatNumber(c.nonPersonal)} non-personal` : ''}
                          </span>
                          <span className="hint">{c.encryption.map((e) => ENCRYPTION[e] ?? e).join(', ')}</span>
                        </button>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cell ? <CellItems key={`${cell.category}/${cell.locationId}`} cell={cell} name={data.locations.find((l) => l.id === cell.locationId)?.name ?? ''} /> : null}
    </Screen>
  );
}

function CellItems({ cell, name }: { cell: { category: Category; locationId: number }; name: string }) {
  const page = usePages('datamap.items', { ...cell, limit: 100 });
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <section className="card cell-items" aria-labelledby="cell-h">
      <h2 id="cell-h">
        {categoryLabels[cell.category]} in {name}
      </h2>
      <ul className="plain-list">
        {page.items.map((i) => (
          <li key={i.id}>
            <button type="button" className="list-row" onClick={() => setOpenId(i.id)}>
              <span className="row spread">
                <strong>{i.title}</strong>
                <span className="hint">{i.occurredAt ? formatDate(i.occurredAt, false) : ''}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {!page.done ? (
        <button type="button" className="button small" onClick={page.more}>
          More
        </button>
      ) : null}
      {openId ? <ItemDialog id={openId} onClose={() => setOpenId(null)} /> : null}
    </section>
  );
}
