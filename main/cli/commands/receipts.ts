// `keepsake receipts [--json] [--verify] [--html ID]`: erasure and export receipts.
import { writeFileSync } from 'node:fs';
import { call } from '../../core/dispatch';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';

export const receiptsCommand: Command = {
  name: 'receipts',
  usage: ['Usage: keepsake receipts [--json] [--verify] [--html ID --out FILE]', '', PASSPHRASE_HELP].join('\n'),
  options: { ...PASSPHRASE_OPTIONS, verify: { type: 'boolean' }, html: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    await openVaultFor(ctx);
    const core = ctx.core();
    if (ctx.values.verify) {
      const v = await call(core, 'receipts.verify', {});
      print(ctx, { verdict: v }, v.ok ? `The receipt chain is intact (${v.count} records).` : `The receipt chain was tampered with: ${v.reason}.`);
      return v.ok ? 0 : 7;
    }
    if (typeof ctx.values.html === 'string') {
      const r = await call(core, 'receipts.get', { id: ctx.values.html });
      const out = typeof ctx.values.out === 'string' ? ctx.values.out : `keepsake-receipt-${r.receipt.id}.html`;
      writeFileSync(out, r.html, { mode: 0o600 });
      print(ctx, { path: out }, `Saved ${out}`);
      return 0;
    }
    const receipts = await call(core, 'receipts.list', {});
    if (ctx.json) ctx.out(JSON.stringify(receipts));
    else if (!receipts.length) ctx.out('No receipts yet.');
    else for (const r of receipts) ctx.out(`${new Date(r.at).toISOString()}  ${r.kind}  ${r.scope}  ${r.complete ? 'complete' : 'pending'}  ${r.id}`);
    return 0;
  },
};
