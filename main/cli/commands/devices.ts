// `keepsake devices …`: paired phones from the command line.
//   devices list | identity | unpair ID | set ID [--name N] [--child yes|no] [--delete-follows-phone yes|no]
//   devices serve [--host H]… [--port P] [--pair]   runs the gateway in the foreground
//                                                    (Ctrl-C stops it); --pair prints a QR code
import { KeepsakeError } from '../../../common/errors';
import { call } from '../../core/dispatch';
import type { Command, CommandContext } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';
import { humanBytes } from '../../../common/format';

function yesNo(v: unknown, flag: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'yes') return true;
  if (v === 'no') return false;
  throw new KeepsakeError('BAD_INPUT', `--${flag} takes yes or no.`);
}

async function serve(ctx: CommandContext): Promise<number> {
  const core = ctx.core();
  const hosts = (ctx.values.host as string[] | undefined) ?? ['0.0.0.0'];
  const port = ctx.values.port === undefined ? 47_470 : Number(ctx.values.port);
  const state = await call(core, 'devices.gatewayStart', { hosts, port });
  ctx.err(`Gateway listening on ${state.listening.map((l) => `${l.host}:${l.port}`).join(', ')}. Ctrl-C stops it.`);
  if (ctx.values.pair) {
    const p = await call(core, 'devices.pairingStart', {});
    if (ctx.json) ctx.out(JSON.stringify({ ok: true, pairing: { uri: p.uri, expires: p.expires } }));
    else ctx.out(`${p.terminal}\nOr enter this code on the phone:\n${p.uri}\nIt works once, until ${new Date(p.expires).toLocaleTimeString()}.`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await call(core, 'devices.gatewayStop', {});
  return 0;
}

export const devicesCommand: Command = {
  name: 'devices',
  usage: [
    'Usage: keepsake devices list [--json]',
    '       keepsake devices identity',
    '       keepsake devices serve [--host ADDR]... [--port N] [--pair]',
    '       keepsake devices unpair ID',
    '       keepsake devices set ID [--name NAME] [--child yes|no] [--delete-follows-phone yes|no]',
    '',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: {
    ...PASSPHRASE_OPTIONS,
    host: { type: 'string', multiple: true },
    port: { type: 'string' },
    pair: { type: 'boolean' },
    name: { type: 'string' },
    child: { type: 'string' },
    'delete-follows-phone': { type: 'string' },
  },
  async run(ctx) {
    const [verb, id] = ctx.positionals;
    await openVaultFor(ctx);
    const core = ctx.core();
    switch (verb) {
      case 'list': {
        const { devices } = await call(core, 'devices.list', {});
        const lines = devices.map((d) => {
          const bytes = d.stats.reduce((a, s) => a + s.bytes, 0);
          const items = d.stats.reduce((a, s) => a + s.items, 0);
          const state = d.revokedAt ? 'unpaired' : d.lastSyncAt ? `last sync ${new Date(d.lastSyncAt).toISOString()}` : 'never synced';
          return `${d.id}  ${d.name} (${d.kind})${d.child ? ' [child]' : ''}  ${items} items, ${humanBytes(bytes)}  ${state}`;
        });
        print(ctx, { devices }, lines.join('\n') || 'No phones paired yet. Run: keepsake devices serve --pair');
        return 0;
      }
      case 'identity': {
        const idn = await call(core, 'devices.identity', {});
        print(ctx, { identity: idn }, `This desktop's certificate fingerprint (SHA-256):\n${idn.display}`);
        return 0;
      }
      case 'serve':
        return serve(ctx);
      case 'unpair': {
        if (!id) throw new KeepsakeError('BAD_INPUT', 'Say which device: keepsake devices unpair <id>.');
        const d = await call(core, 'devices.unpair', { id });
        print(ctx, { device: d }, `${d.name} is unpaired: its certificate no longer opens a connection. Its archived items stay.`);
        return 0;
      }
      case 'set': {
        if (!id) throw new KeepsakeError('BAD_INPUT', 'Say which device: keepsake devices set <id> ….');
        const child = yesNo(ctx.values.child, 'child');
        const follows = yesNo(ctx.values['delete-follows-phone'], 'delete-follows-phone');
        const d = await call(core, 'devices.setOptions', {
          id,
          ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}),
          ...(child === undefined ? {} : { child }),
          ...(follows === undefined ? {} : { deleteFollowsPhone: follows }),
        });
        print(ctx, { device: d }, `${d.name}: child device ${d.child ? 'yes' : 'no'}, deletions on the phone ${d.deleteFollowsPhone ? 'erase' : 'keep'} the archive.`);
        return 0;
      }
      default:
        throw new KeepsakeError('BAD_INPUT', 'Use: keepsake devices list | identity | serve | unpair <id> | set <id>.');
    }
  },
};
