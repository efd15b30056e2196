// One receipt, readable: what was erased (counts only), when, and every location's outcome.
import { CheckCircle2, Clock, Download, ShieldAlert, Smartphone, XCircle } from 'lucide-react';
import type { Receipt } from '../../../common/contract/erasure';
import { categoryLabels, type Category } from '../../../common/domain';
import { countOf, humanCount } from '../../../common/format';
import { relativeTime } from '../../format-time';

const OUTCOME = {
  erased: { icon: CheckCircle2, text: 'Erased', tone: 'ok' },
  'key-destroyed': { icon: CheckCircle2, text: 'Key destroyed', tone: 'ok' },
  'provider-retention': { icon: Clock, text: 'Key destroyed; provider keeps unreadable ciphertext', tone: 'warn' },
  pending: { icon: Clock, text: 'Pending', tone: 'warn' },
  held: { icon: ShieldAlert, text: 'Held (legal hold)', tone: 'warn' },
  failed: { icon: XCircle, text: 'Failed', tone: 'error' },
  exported: { icon: Download, text: 'Exported and checked', tone: 'ok' },
  'kept-on-device': { icon: Smartphone, text: 'Told; the phone keeps its own copy (its setting)', tone: 'warn' },
} as const;

function headline(r: Receipt): string {
  if (r.kind === 'export') return 'Exported: a copy of everything Keepsake holds about you.';
  return r.complete ? 'Erased everywhere Keepsake keeps it.' : 'Erased here; some places are still pending.';
}

export function ReceiptView({ receipt }: { receipt: Receipt }) {
  const counts = Object.entries(receipt.counts).map(([c, n]) => countOf(categoryLabels[c as Category] ?? c, n));
  return (
    <div className="receipt" data-testid="receipt">
      <p>
        <strong>{headline(receipt)}</strong> {counts.join(', ')} · {relativeTime(receipt.at)} · receipt{' '}
        <code>{receipt.id.slice(0, 8)}</code>
        {receipt.revision > 1 ? ` (revision ${receipt.revision})` : ''}
      </p>
      <ul className="plain-list receipt-locations">
        {receipt.locations.map((l, i) => {
          const o = OUTCOME[l.outcome];
          return (
            <li key={i} className={`outcome ${o.tone}`}>
              <o.icon size={16} aria-hidden="true" />
              <span>
                <strong>{l.location}</strong> — {o.text}
                {l.until ? ` until ${new Date(l.until).toLocaleDateString()}` : ''}
                {l.doneAt ? ` on ${new Date(l.doneAt).toLocaleString()}` : ''} ({humanCount(l.items)} item{l.items === 1 ? '' : 's'})
                {l.detail ? <span className="muted block">{l.detail}</span> : null}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
