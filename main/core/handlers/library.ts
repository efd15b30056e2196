// Browse handlers (library.*, photos.*, messages.*, calls.*, notes.*, contacts.*,
// events.*, email.*, items.*, datamap.*, search.*): thin calls into main/core/library.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { Library } from '../library/library';
import type { DomainHandlers } from './types';

function lib(core: Core): Library {
  if (!core.vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  return new Library(core.vault, () => core.clock.now());
}

type BrowseHandlers = DomainHandlers<'library'> &
  DomainHandlers<'photos'> &
  DomainHandlers<'messages'> &
  DomainHandlers<'calls'> &
  DomainHandlers<'notes'> &
  DomainHandlers<'contacts'> &
  DomainHandlers<'events'> &
  DomainHandlers<'email'> &
  DomainHandlers<'items'> &
  DomainHandlers<'datamap'> &
  DomainHandlers<'search'>;

export const libraryHandlers: BrowseHandlers = {
  'library.overview': async (_i, core) => lib(core).overview(),
  'photos.timeline': async (i, core) => lib(core).timeline(i),
  'photos.days': async (i, core) => lib(core).days(i.view, i.tzOffsetMinutes),
  'photos.places': async (i, core) => lib(core).places(i.cellDegrees),
  'messages.threads': async (i, core) => lib(core).threads(i),
  'messages.thread': async (i, core) => lib(core).thread(i),
  'calls.list': async (i, core) => lib(core).calls(i),
  'notes.list': async (i, core) => lib(core).notes(i),
  'contacts.list': async (i, core) => lib(core).contacts(i),
  'email.list': async (i, core) => lib(core).emails(i),
  'email.message': async (i, core) => lib(core).email(i.id),
  'events.range': async (i, core) => ({ items: lib(core).events(i.from, i.to) }),
  'items.get': async (i, core) => lib(core).item(i.id),
  'items.copies': async (i, core) => ({ items: lib(core).copies(i.id) }),
  'items.update': async (i, core) => {
    const r = await lib(core).update(i);
    core.log.info('items.updated', { version: r.version });
    return r;
  },
  'datamap.matrix': async (_i, core) => lib(core).matrix(),
  'datamap.items': async (i, core) => lib(core).cell(i),
  'search.query': async (i, core) => lib(core).search(i),
};
