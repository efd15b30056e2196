// Calls back when the vault's items changed under a screen that shows them — an erase, a
// retention run, an import, a phone sync, an edit — so the screen reloads rather than
// showing a photo that no longer exists or missing one that just arrived. Core sends
// `library.changed` after each such write (coalesced to a few a second).
// A screen whose reload is costly (the photo grid refetches every visible page) passes
// `minIntervalMs`: during a long import it then reloads at most that often, the first
// change at once and the last one always (a trailing call), never dropped.
import { useEffect, useRef } from 'react';
import { api } from '../api/client';

export function useLibraryChanged(onChange: () => void, minIntervalMs = 0): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    let last = -Infinity;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fire = (): void => {
      timer = null;
      last = Date.now();
      latest.current();
    };
    const off = api.on('library.changed', () => {
      if (timer) return; // a trailing call is already due; it will see this change too
      const wait = last + minIntervalMs - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [minIntervalMs]);
}
