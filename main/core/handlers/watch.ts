// watch.* handlers: add, list and remove watched folders (main/core/intake/watch).
import { attachWatchFolders } from '../intake/watch/service';
import type { DomainHandlers } from './types';

export const watchHandlers: DomainHandlers<'watch'> = {
  'watch.add': async ({ path }, core) => attachWatchFolders(core).add(path),
  'watch.list': async (_input, core) => attachWatchFolders(core).list(),
  'watch.remove': async ({ id }, core) => ({ removed: await attachWatchFolders(core).remove(id) }),
};
