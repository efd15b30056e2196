// The preview before anything is written: what the plan selects (counts per category,
// bytes), what is left out (erased items), and exactly which location data would travel
// and how — precise, rounded to about 1 km, removed, or the file left out because its
// format cannot be rewritten safely. Nothing is recorded: no consent is asked yet.
import type { RecoveryCategory, RecoveryPlan, RecoveryPreview } from '../../../common/contract/recovery';
import { categoryLabels } from '../../../common/domain';
import type { Vault } from '../vault/vault';
import { get, sql } from '../vault/sql';
import { checkPlan, countSelection, eachSelected, type SelectedItem } from './select';

const WHAT: Partial<Record<RecoveryCategory, string>> = { photo: 'photo GPS', video: 'video GPS', screenshot: 'screenshot GPS', event: 'event GEO', contact: 'contact GEO', note: 'note location', message: 'message location' };

export function previewRecovery(vault: Vault, plan: RecoveryPlan): RecoveryPreview {
  const db = vault.indexDb;
  const sel = countSelection(db, plan);
  const counts: Record<string, number> = {};
  let bytes = 0;
  const travel: RecoveryPreview['location']['items'] = [];
  const precision = plan.location.precision;
  // Page by page (select.ts): only the items that carry a location are kept, for the list.
  const each = function* (): Generator<SelectedItem> {
    for (const c of checkPlan(db, plan).sort()) for (const page of eachSelected(db, plan, c)) yield* page;
  };
  for (const i of each()) {
    counts[i.category] = (counts[i.category] ?? 0) + 1;
    bytes += i.bytes;
    if (i.lat === null || i.lon === null) continue;
    let as: 'precise' | 'approximate' | 'removed' | 'skipped' = precision === 'precise' ? 'precise' : precision === 'approximate' ? 'approximate' : 'removed';
    if (precision !== 'precise' && (i.category === 'photo' || i.category === 'video' || i.category === 'screenshot')) {
      const mime = get<{ mime: string }>(vault.indexDb, sql`SELECT mime FROM files WHERE item_id = ${i.id} AND role = 'original' LIMIT 1`)?.mime ?? '';
      if (/^image\/png$/i.test(mime)) as = 'removed';
      else if (!/^image\/jpe?g$/i.test(mime)) as = 'skipped';
    }
    if (plan.target.kind === 'device' && precision !== 'precise') as = 'skipped';
    travel.push({ itemId: i.id, category: i.category, what: WHAT[i.category] ?? 'location', as });
  }
  const n = (as: string) => travel.filter((t) => t.as === as).length;
  const parts: string[] = [];
  if (n('precise')) parts.push(`${n('precise')} item${n('precise') === 1 ? '' : 's'} would carry their exact location`);
  if (n('approximate')) parts.push(`${n('approximate')} would carry their location rounded to about 1 km`);
  if (n('removed')) parts.push(`${n('removed')} would have their location removed`);
  if (n('skipped')) parts.push(`${n('skipped')} would be left out because their location cannot be removed safely`);
  const summary = travel.length === 0 ? 'None of the selected items carries a location.' : `${parts.join('; ')}.`;
  const excluded: Record<string, number> = {};
  if (sel.erasedLeftOut) excluded.erased = sel.erasedLeftOut;
  return { counts, bytes, excluded, location: { precision, items: travel, summary } };
}

export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([c, n]) => `${n} ${(categoryLabels as Record<string, string>)[c]?.toLowerCase() ?? c}`)
    .join(', ');
}
