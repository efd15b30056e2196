// Settings: what this Keepsake is (version, data folder, host, vault state) and security.
import { Screen } from '../components/Screen';
import { useQuery } from '../api/hooks';
import { SecuritySettings } from '../components/SecuritySettings';

const HOSTS = { electron: 'Desktop app', web: 'Web host (keepsake serve)', cli: 'Command line' } as const;
const STATES = { missing: 'Not created yet', locked: 'Locked', unlocked: 'Unlocked' } as const;

export function SettingsScreen() {
  const about = useQuery('app.about', {});
  return (
    <Screen title="Settings">
      <div className="card settings-about">
        <h2>About this Keepsake</h2>
        {about.error ? <p className="error-text">{about.error.message}</p> : null}
        {about.data ? (
          <dl className="facts" data-testid="about">
            <dt>Version</dt>
            <dd data-testid="about-version">{about.data.version}</dd>
            <dt>Data folder</dt>
            <dd data-testid="about-data-folder">
              <code>{about.data.dataFolder}</code>
            </dd>
            <dt>Vault</dt>
            <dd data-testid="about-vault-state">{STATES[about.data.vaultState]}</dd>
            <dt>Running as</dt>
            <dd data-testid="about-host">{HOSTS[about.data.hostKind]}</dd>
            <dt>Platform</dt>
            <dd>{about.data.platform}</dd>
          </dl>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
      {about.data?.vaultState === 'unlocked' ? <SecuritySettings /> : null}
    </Screen>
  );
}
