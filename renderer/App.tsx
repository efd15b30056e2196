// The app frame: decides between onboarding (no vault yet), unlock (locked) and the main
// layout (sidebar, content, jobs panel, toasts).
import { useEffect, useMemo, useState } from 'react';
import { api } from './api/client';
import { useEvent, useQuery } from './api/hooks';
import { useJobs } from './api/use-jobs';
import { AppActionsContext, type AppActions } from './app-actions';
import { EmergencyKit } from './components/EmergencyKit';
import { ImportDialog } from './components/ImportDialog';
import { JobsPanel } from './components/JobsPanel';
import { SearchBox } from './components/SearchBox';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import { screenFor } from './screens/routes';
import { OnboardingScreen } from './screens/OnboardingScreen';
import { RestoreFromCloudScreen } from './screens/RestoreFromCloudScreen';
import { UnlockScreen } from './screens/UnlockScreen';
import { useRoute } from './use-route';
import { sections } from './sections';

export function App() {
  const about = useQuery('app.about', {});
  const [route, go] = useRoute();
  const jobs = useJobs();
  const [importOpen, setImportOpen] = useState(false);
  // The Emergency Kit stays on screen after the vault is created until the person confirms
  // they kept it, even though the vault is already unlocked underneath.
  const [pendingKit, setPendingKit] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(false);
  useEvent('vault.changed', about.reload);
  // The restore screen stays up until the app has seen the restored vault: dropping it
  // first would flash the create-a-vault screen (the state is still "missing" until the
  // reload answers), and whatever was typed into it would be lost on the switch.
  const vaultState = about.data?.vaultState;
  if (restoring && vaultState !== undefined && vaultState !== 'missing') setRestoring(false); // adjusted while rendering, as React advises

  useEffect(() => {
    const label = sections.find((s) => s.id === route)?.label ?? 'Keepsake';
    document.title = `${label} — Keepsake`;
    document.getElementById('screen-title')?.focus({ preventScroll: true });
  }, [route]);

  const actions: AppActions = useMemo(() => ({ openImport: () => setImportOpen(true), go }), [go]);

  if (about.error) {
    return (
      <main className="center-page">
        <div className="card narrow">
          <h1>Keepsake is not answering</h1>
          <p>{about.error.message}</p>
          <button type="button" className="button primary" onClick={about.reload}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!about.data) return <main className="center-page" aria-busy="true" />;
  if (pendingKit) return <EmergencyKit recoveryKey={pendingKit} onConfirmed={() => setPendingKit(null)} />;
  if (about.data.vaultState === 'missing') {
    return restoring ? (
      <RestoreFromCloudScreen onBack={() => setRestoring(false)} onDone={about.reload} />
    ) : (
      <OnboardingScreen onCreated={setPendingKit} onRestore={() => setRestoring(true)} />
    );
  }
  if (about.data.vaultState === 'locked') return <UnlockScreen onDone={about.reload} />;

  return (
    <AppActionsContext.Provider value={actions}>
      <div className="layout">
        <Sidebar current={route} onGo={go} onLock={() => void api.call('vault.lock', {}).then(about.reload)} />
        <div className="main-column">
          <div className="topbar">
            <SearchBox />
            <JobsPanel jobs={jobs} />
          </div>
          <main className="content" id="content">
            {screenFor(route, jobs)}
          </main>
        </div>
        <Toasts enabled={api.transport.kind === 'web'} />
        <ImportDialog open={importOpen} onOpenChange={setImportOpen} />
      </div>
    </AppActionsContext.Provider>
  );
}
