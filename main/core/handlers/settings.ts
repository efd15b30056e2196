// settings.* handlers.
import type { DomainHandlers } from './types';

export const settingsHandlers: DomainHandlers<'settings'> = {
  'settings.get': async (_input, core) => core.settings.get(),
  'settings.update': async (input, core) => {
    const next = core.settings.update(input);
    core.touch();
    return next;
  },
};
