// `keepsake watch …`: folders imported continuously while the vault is unlocked.
//   watch add DIR | list | remove DIR-or-ID   (the list lives in the vault)
//   watch run                                 watches in the foreground until Ctrl-C
// The desktop app and `keepsake serve` watch while they run with the vault unlocked.
import { KeepsakeError } from '../../../common/errors';
import type { WatchFolder } from '../../../common/contract/watch';
import { attachWatchFolders } from '../../core/intake/watch/service';
import type { Command, CommandContext } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS } from './vault-common';

function describe(w: WatchFolder): string {
  const scan = w.lastScanAt ? `last looked ${new Date(w.lastScanAt).toLocaleString()}` : 'not looked at yet';
  return `${w.path}\n  id ${w.id}; ${w.filesImported} files imported; ${scan}${w.lastError ? `\n  problem: ${w.lastError}` : ''}`;
}

async function runForeground(ctx: CommandContext): Promise<number> {
  const core = ctx.core();
  const service = attachWatchFolders(core);
  await service.sync();
  const list = service.list();
  if (list.length === 0) throw new KeepsakeError('NOT_FOUND', 'No folders are watched: add one with `keepsake watch add <folder>`.');
  ctx.err(`Watching ${list.length} folder${list.length === 1 ? '' : 's'}. Ctrl-C stops.`);
  const off = core.events.subscribe((e) => {
    if (e.name === 'job.progressed' && e.payload.kind === 'import' && e.payload.finishedAt) ctx.err(`${e.payload.title}: ${e.payload.summary ?? e.payload.state}`);
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  off();
  await service.close();
  return 0;
}

export const watchCommand: Command = {
  name: 'watch',
  usage: [
    'Usage: keepsake watch add <folder> [--json]',
    '       keepsake watch list [--json]',
    '       keepsake watch remove <folder-or-id> [--json]',
    '       keepsake watch run',
    '',
    'A file is imported once its size and time have stopped changing for a few',
    'seconds. The desktop app and `keepsake serve` watch while the vault is unlocked;',
    '`watch run` watches in the foreground until Ctrl-C.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    const [verb, arg, ...rest] = ctx.positionals;
    if (!verb || !['add', 'list', 'remove', 'run'].includes(verb)) throw new KeepsakeError('BAD_INPUT', 'Say add, list, remove or run (see keepsake watch --help).');
    if ((verb === 'add' || verb === 'remove') && (!arg || rest.length)) throw new KeepsakeError('BAD_INPUT', `keepsake watch ${verb} takes one folder.`);
    await openVaultFor(ctx);
    if (verb === 'run') return runForeground(ctx);
    // Only the list changes here; this process ends at once, so nothing is watched by it.
    const service = attachWatchFolders(ctx.core(), { watch: false });
    if (verb === 'add') {
      const w = service.add(arg!);
      ctx.out(ctx.json ? JSON.stringify({ ok: true, watch: w }) : `Watching ${w.path} (id ${w.id}) whenever Keepsake runs with the vault unlocked.`);
    } else if (verb === 'list') {
      const list = service.list();
      ctx.out(ctx.json ? JSON.stringify({ ok: true, watches: list }) : list.length ? list.map(describe).join('\n') : 'No folders are watched.');
    } else {
      const w = service.find(arg!);
      if (!w) throw new KeepsakeError('NOT_FOUND', 'That folder is not watched.');
      await service.remove(w.id);
      ctx.out(ctx.json ? JSON.stringify({ ok: true, removed: w }) : `No longer watching ${w.path}. What was imported from it stays.`);
    }
    return 0;
  },
};
