// Calls back when the vault's items may have changed under a screen that shows them: an
// erase (from any "Stored in" panel, the privacy center or a device), a retention run or
// an import finished. The contract has no per-item event; a finished job of one of these
// kinds is the fact that items were added or removed, so screens reload on it rather than
// showing a photo that no longer exists.
import { useEffect, useRef } from 'react';
import { api } from '../api/client';

const CHANGES_ITEMS = new Set(['erase', 'retention', 'import']);
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']); // a failed erase may still have erased some

export function useLibraryChanged(onChange: () => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    const seen = new Set<string>();
    return api.on('job.progressed', (job) => {
      if (!CHANGES_ITEMS.has(job.kind) || !FINISHED.has(job.state) || seen.has(job.id)) return;
      seen.add(job.id);
      latest.current();
    });
  }, []);
}
