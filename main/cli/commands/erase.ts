// `keepsake erase (--item ID… | --query Q | --category C [--older-than-days N]) --yes`:
// erase everywhere with a receipt. Identity is re-verified with the passphrase (from
// KEEPSAKE_PASSPHRASE when unattended). Without --yes it only shows the preview.
import type { Selection } from '../../../common/contract/erasure';
import { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import { humanBytes } from '../../../common/format';
import { call } from '../../core/dispatch';
import { verifyIdentity } from '../../core/security/reverify';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print, readPassphrase } from './vault-common';
import { waitForJob } from '../wait-for-job';

export const eraseCommand: Command = {
  name: 'erase',
  usage: [
    'Usage: keepsake erase (--item ID… | --query TEXT | --category C [--older-than-days N]) [--yes] [--json]',
    '',
    'Shows what would be erased and where every copy lives; with --yes it erases and',
    'prints the receipt. Items under legal hold are never erased.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: {
    ...PASSPHRASE_OPTIONS,
    item: { type: 'string', multiple: true },
    query: { type: 'string' },
    category: { type: 'string' },
    'older-than-days': { type: 'string' },
    yes: { type: 'boolean' },
  },
  async run(ctx) {
    const selection = selectionFrom(ctx.values);
    await openVaultFor(ctx);
    const core = ctx.core();
    const preview = await call(core, 'erase.preview', { selection });
    if (!ctx.values.yes) {
      const where = preview.locations.map((l) => `  ${l.name} (${l.kind}): ${l.items} item${l.items === 1 ? '' : 's'} — ${l.plan}`).join('\n');
      print(ctx, { preview }, `Would erase ${preview.scope}, ${humanBytes(preview.bytes)}${preview.held ? ` (${preview.held} under legal hold are kept)` : ''}.\nCopies:\n${where || '  none'}\nRun again with --yes to erase.`);
      return 0;
    }
    if (preview.itemIds.length === 0) throw new KeepsakeError('NOT_FOUND', preview.held ? 'Every matching item is under legal hold; nothing was erased.' : 'Nothing matches; nothing was erased.');
    await verifyIdentity(core, await readPassphrase(ctx));
    const job = await call(core, 'erase.start', { itemIds: preview.itemIds, scope: preview.scope });
    const done = await waitForJob(core, job.id);
    if (done.state !== 'succeeded') throw new KeepsakeError(done.error?.code ?? 'INTERNAL', done.error?.message ?? 'The erase did not finish.');
    // This erase's own receipt (another may have a newer revision, e.g. from a phone's acknowledgement).
    const { receipt } = await call(core, 'receipts.get', { id: job.receiptId });
    const lines = receipt.locations.map((l) => `  ${l.location}: ${l.outcome}${l.detail ? ` — ${l.detail}` : ''}`).join('\n');
    print(ctx, { receipt }, `${done.summary}\nReceipt ${receipt.id}:\n${lines}`);
    return receipt.complete ? 0 : 12;
  },
};

function selectionFrom(v: Record<string, unknown>): Selection {
  const items = v.item as string[] | undefined;
  if (items?.length) return { itemIds: items };
  if (typeof v.query === 'string') return { query: v.query };
  if (typeof v.category === 'string') {
    const c = Category.safeParse(v.category);
    if (!c.success) throw new KeepsakeError('BAD_INPUT', `Unknown category "${v.category}". Use one of: ${Category.options.join(', ')}.`);
    const days = v['older-than-days'];
    if (days === undefined) return { category: c.data };
    const n = Number(days);
    if (!Number.isInteger(n) || n <= 0) throw new KeepsakeError('BAD_INPUT', '--older-than-days must be a whole number of days.');
    return { category: c.data, olderThanDays: n };
  }
  throw new KeepsakeError('BAD_INPUT', 'Say what to erase: --item ID, --query TEXT or --category C.');
}
