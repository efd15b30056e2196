// Calls back when the vault's items changed under a screen that shows them — an erase, a
// retention run, an import, a phone sync, an edit — so the screen reloads rather than
// showing a photo that no longer exists or missing one that just arrived. Core sends
// `library.changed` after each such write (coalesced to a few a second).
import { useEffect, useRef } from 'react';
import { api } from '../api/client';

export function useLibraryChanged(onChange: () => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => api.on('library.changed', () => latest.current()), []);
}
