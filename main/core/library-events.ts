// Tells every window when the vault's items changed, whoever changed them: an import, a
// phone sync through the gateway, an edit, an erase, a folder backup. Screens showing
// items reload on `library.changed` instead of guessing from job kinds. Coalesced: a
// 25,000-message import commits many batches, the windows hear of it a few times a second.
import type { Core } from './core';
import type { Vault } from './vault/vault';

const COALESCE_MS = 300;

export function announceLibraryChanges(core: Core, vault: Vault): void {
  let pending: NodeJS.Timeout | null = null;
  vault.onItemsChanged(() => {
    if (pending) return; // this change goes out with the one already scheduled
    pending = setTimeout(() => {
      pending = null;
      core.events.emit('library.changed', {});
    }, COALESCE_MS);
    pending.unref();
  });
}
