// Receipts: every erasure, newest first; open one to read it, save it as a page, and
// check that the chain of receipts has not been tampered with. The list follows erasures
// as they finish (library.changed: from this screen, a retention run or the CLI).
import { useState } from 'react';
import type { Receipt } from '../../../common/contract/erasure';
import { api, ApiError } from '../../api/client';
import { useQuery } from '../../api/hooks';
import { relativeTime } from '../../format-time';
import { useLibraryChanged } from '../../library/use-library-changed';
import { ReceiptView } from './ReceiptView';
import { saveText } from './save-text';

export function ReceiptsPanel() {
  const receipts = useQuery('receipts.list', {});
  useLibraryChanged(receipts.reload);
  const [open, setOpen] = useState<Receipt | null>(null);
  const [verdict, setVerdict] = useState<string>('');
  const list = receipts.data ?? [];

  async function verify(): Promise<void> {
    try {
      const v = await api.call('receipts.verify', {});
      setVerdict(v.ok ? `The receipt chain is intact (${v.count} record${v.count === 1 ? '' : 's'}).` : `The receipt chain was tampered with: ${v.reason}.`);
    } catch (e) {
      setVerdict(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function save(r: Receipt): Promise<void> {
    const { html } = await api.call('receipts.get', { id: r.id });
    saveText(`keepsake-receipt-${r.id.slice(0, 8)}.html`, html, 'text/html');
  }

  return (
    <section className="card stack" aria-labelledby="receipts-title">
      <div className="row spread">
        <h2 id="receipts-title">Receipts</h2>
        <button type="button" className="button small" onClick={() => void verify()} disabled={!list.length}>
          Verify chain
        </button>
      </div>
      {verdict ? <p role="status">{verdict}</p> : null}
      {list.length === 0 ? (
        <p className="muted">Nothing has been erased yet. When you erase something — from an item&apos;s “Stored in” panel, a search, or a whole category — its receipt appears here.</p>
      ) : (
        <ul className="plain-list divided" data-testid="receipts">
          {list.map((r) => (
            <li key={r.id}>
              <button type="button" className="list-button" aria-expanded={open?.id === r.id} onClick={() => setOpen(open?.id === r.id ? null : r)}>
                <span>{r.scope}</span>
                <span className="muted">
                  {r.complete ? 'Complete' : 'Pending'} · {relativeTime(r.at)}
                </span>
              </button>
              {open?.id === r.id ? (
                <div className="expanded">
                  <ReceiptView receipt={r} />
                  <button type="button" className="button small" onClick={() => void save(r)}>
                    Save as page
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
