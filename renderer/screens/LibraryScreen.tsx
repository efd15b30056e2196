// A library section (photos, messages, notes, contacts, calendar, email) before anything of
// that kind is in the vault: says what will be here and offers the ways to get it in.
import type { LucideIcon } from 'lucide-react';
import { Screen } from '../components/Screen';
import { EmptyState } from '../components/EmptyState';
import { useAppActions } from '../app-actions';

interface Props {
  title: string;
  icon: LucideIcon;
  what: string;
  sources: string;
}

export function LibraryScreen({ title, icon, what, sources }: Props) {
  const { openImport, go } = useAppActions();
  return (
    <Screen title={title}>
      <EmptyState
        icon={icon}
        title={`No ${what} yet`}
        actions={
          <>
            <button type="button" className="button primary" onClick={openImport}>
              Import…
            </button>
            <button type="button" className="button" onClick={() => go('devices')}>
              Pair a phone
            </button>
          </>
        }
      >
        Nothing imported yet. {sources}
      </EmptyState>
    </Screen>
  );
}
