// `keepsake consent list [--json]`, `keepsake consent verify`, `keepsake consent withdraw ID`.
import { KeepsakeError } from '../../../common/errors';
import { call } from '../../core/dispatch';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';

export const consentCommand: Command = {
  name: 'consent',
  usage: ['Usage: keepsake consent (list [--json] | verify | withdraw ID)', '', PASSPHRASE_HELP].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    const [verb, arg] = ctx.positionals;
    await openVaultFor(ctx);
    const core = ctx.core();
    switch (verb) {
      case 'list': {
        const records = await call(core, 'consent.list', {});
        if (ctx.json) ctx.out(JSON.stringify(records));
        else if (!records.length) ctx.out('The consent ledger is empty.');
        else
          for (const r of records)
            ctx.out(`#${r.seq} ${new Date(r.at).toISOString()} ${r.action} ${r.subject} for ${r.purpose} → ${r.recipient} (${r.precision})${r.live === undefined ? '' : r.live ? ' — live' : ` — ended: ${r.endedBecause}`}`);
        return 0;
      }
      case 'verify': {
        const v = await call(core, 'consent.verify', {});
        print(ctx, { verdict: v }, v.ok ? `The consent ledger is intact (${v.count} records).` : `The consent ledger was tampered with: ${v.reason}${v.firstBadSeq ? ` (first bad record: #${v.firstBadSeq})` : ''}.`);
        return v.ok ? 0 : 7;
      }
      case 'withdraw': {
        if (!arg) throw new KeepsakeError('BAD_INPUT', 'Say which consent to withdraw: keepsake consent withdraw <id>.');
        const r = await call(core, 'consent.withdraw', { id: arg });
        print(ctx, { record: r }, `Withdrawn. Sharing under that consent stopped at ${new Date(r.at).toISOString()}.`);
        return 0;
      }
      default:
        throw new KeepsakeError('BAD_INPUT', 'Use: keepsake consent list | verify | withdraw <id>.');
    }
  },
};
