// `keepsake lock`: end the CLI session of this data folder (keepsake unlock --session);
// the holder wipes its key and removes its socket. Exit 0 whether or not one ran, so
// scripts can always call it at the end.
import { defaultDataFolder } from '../../core/paths';
import { askSession } from '../../core/vault/session/client';
import type { Command } from '../command';
import { print } from './vault-common';

export const lockCommand: Command = {
  name: 'lock',
  usage: ['Usage: keepsake lock [--json]', '', 'Ends the session started by "keepsake unlock --session" for this vault (exit 0 even when none ran;\n1 when one is there but does not answer).'].join('\n'),
  async run(ctx) {
    const answer = await askSession(defaultDataFolder(ctx.env), 'lock', ctx.env);
    if (answer.kind === 'answer' && answer.response.ok) {
      print(ctx, { ended: true }, 'The session is ended: the next command asks for the passphrase.');
    } else if (answer.kind === 'timeout' || answer.kind === 'failed' || answer.kind === 'unsafe') {
      ctx.err(`keepsake lock: the session could not be asked to end (${answer.kind === 'timeout' ? 'it did not answer' : answer.message}).`);
      print(ctx, { ended: false }, 'No session was ended.');
      return 1;
    } else {
      print(ctx, { ended: false }, 'No session was running for this vault.');
    }
    return 0;
  },
};
