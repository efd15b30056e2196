// The current section, kept in the URL hash (#/photos) so reload and back/forward work.
import { useCallback, useEffect, useState } from 'react';
import { isSectionId, type SectionId } from './sections';

function read(): SectionId {
  const id = window.location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
  return isSectionId(id) ? id : 'dashboard';
}

export function useRoute(): [SectionId, (id: SectionId) => void] {
  const [route, setRoute] = useState<SectionId>(read);
  useEffect(() => {
    const onHash = (): void => setRoute(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = useCallback((id: SectionId) => {
    window.location.hash = `#/${id}`;
  }, []);
  return [route, go];
}
