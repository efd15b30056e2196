// A receipt as a readable, printable HTML page (the JSON form is the receipt itself).
// Everything inserted is escaped; the page has no script and no remote resources.
import { countOf, humanCount } from '../../../common/format';
import { categoryLabels, type Category } from '../../../common/domain';
import type { Outcome, Receipt } from './receipts';

const OUTCOME_WORDS: Record<Outcome, string> = {
  erased: 'Erased',
  'key-destroyed': 'Key destroyed — the remaining ciphertext can never be read',
  'provider-retention': 'Key destroyed; the provider keeps unreadable ciphertext until',
  pending: 'Pending — will complete when the location is reachable',
  held: 'Held — under legal hold, not erased',
  failed: 'Failed — see the detail',
  exported: 'Exported — written and checked',
  'kept-on-device': 'Told — the phone keeps its own copy, as its settings say',
};

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function receiptHtml(r: Receipt): string {
  const counts = Object.entries(r.counts)
    .map(([c, n]) => `<li>${esc(countOf(categoryLabels[c as Category] ?? c, n))}</li>`)
    .join('');
  const rows = r.locations
    .map(
      (l) =>
        `<tr><td>${esc(l.location)}</td><td>${esc(l.kind)}</td><td>${esc(humanCount(l.items))}</td><td>${esc(OUTCOME_WORDS[l.outcome])}${
          l.until ? ` ${esc(new Date(l.until).toISOString().slice(0, 10))}` : ''
        }${l.doneAt ? ` (${esc(new Date(l.doneAt).toISOString())})` : ''}${l.detail ? `<br><small>${esc(l.detail)}</small>` : ''}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Keepsake receipt ${esc(r.id)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:760px;margin:40px auto;color:#1f2320}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left;vertical-align:top}small{color:#5f665f}</style>
</head><body>
<h1>${r.kind === 'erasure' ? 'Erasure receipt' : r.kind === 'export' ? 'Export receipt' : r.kind === 'retention' ? 'Retention receipt' : 'Recovery purge receipt'}</h1>
<p>Receipt <code>${esc(r.id)}</code>, revision ${r.revision}. Requested ${esc(new Date(r.requestedAt).toISOString())}; this revision written ${esc(new Date(r.at).toISOString())}.</p>
<p><strong>What:</strong> ${esc(r.scope)}</p>
<ul>${counts}</ul>
<h2>Where every copy was</h2>
<table><thead><tr><th>Location</th><th>Kind</th><th>Items</th><th>Outcome</th></tr></thead><tbody>${rows}</tbody></table>
<p>${r.complete ? 'Every location has been dealt with.' : 'Some locations are still pending; this receipt gets a new revision when they complete.'}</p>
<p><small>This receipt lists counts and categories only, never the content of what was erased. It is part of a tamper-evident chain: <code>keepsake receipts --verify</code> checks it.</small></p>
</body></html>`;
}
