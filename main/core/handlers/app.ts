// app.* handlers.
import { platform } from 'node:os';
import type { DomainHandlers } from './types';
import { vaultState } from '../vault/layout';

export const appHandlers: DomainHandlers<'app'> = {
  'app.about': async (_input, core) => ({
    name: 'Keepsake',
    version: core.version,
    dataFolder: core.dataFolder,
    vaultState: core.vault ? 'unlocked' : vaultState(core.dataFolder),
    hostKind: core.hostKind,
    platform: platform(),
  }),
};
