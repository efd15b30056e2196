// App-wide actions any screen can trigger (import, go to a section), shared by context so
// screens do not need to know how the dialog or router works.
import { createContext, useContext } from 'react';
import type { SectionId } from './sections';

export interface AppActions {
  openImport(): void;
  go(section: SectionId): void;
}

export const AppActionsContext = createContext<AppActions>({ openImport() {}, go() {} });

export function useAppActions(): AppActions {
  return useContext(AppActionsContext);
}
