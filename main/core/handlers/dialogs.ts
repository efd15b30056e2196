// dialogs.* handlers: delegate to the host's Dialogs port.
import { KeepsakeError } from '../../../common/errors';
import type { DomainHandlers } from './types';

export const dialogHandlers: DomainHandlers<'dialogs'> = {
  'dialogs.available': async (_input, core) => ({ available: core.dialogs.available() }),
  'dialogs.openPaths': async (input, core) => {
    if (!core.dialogs.available()) throw new KeepsakeError('UNSUPPORTED', 'This window cannot open file dialogs; upload the files instead.');
    return { paths: await core.dialogs.openPaths(input) };
  },
};
