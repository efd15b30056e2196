// watch.* handlers: add, list and remove watched folders (main/core/intake/watch).
import { attachWatchFolders } from '../intake/watch/service';
import type { DomainHandlers } from './types';

export const watchHandlers: DomainHandlers<'watch'> = {
  // In turn with the vault's writes (an import's storage-worker batch may hold the index);
  // with no vault, add() itself says to unlock it.
  'watch.add': async ({ path }, core) => (core.vault ? core.vault.afterWrites(() => attachWatchFolders(core).add(path)) : attachWatchFolders(core).add(path)),
  'watch.list': async (_input, core) => attachWatchFolders(core).list(),
  'watch.remove': async ({ id }, core) => ({ removed: await attachWatchFolders(core).remove(id) }),
};
