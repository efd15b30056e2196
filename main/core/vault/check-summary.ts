// One plain-words sentence for a check report, naming the damaged items (CLI, job history).
import type { CheckReport } from './types';

export function describeCheck(r: CheckReport): string {
  const scope = r.readData ? `read ${r.chunksChecked} chunks in ${r.packsChecked} packs${r.subset ? ` (slice ${r.subset})` : ''}` : `checked ${r.packsChecked} packs`;
  if (r.ok) return `The vault is healthy: ${scope}, no problems.`;
  const names = r.affectedItems.slice(0, 5).map((i) => `"${i.title || i.id}" (${i.category})`);
  const more = r.affectedItems.length > 5 ? ` and ${r.affectedItems.length - 5} more` : '';
  const items = names.length ? ` Affected: ${names.join(', ')}${more}.` : '';
  return `The vault check found ${r.problems.length} problem(s): ${r.problems.slice(0, 3).map((p) => p.message).join(' ')}${items}`;
}
