// Dashboard: what the vault holds (by category and by location, as charts), each device
// and its last backup, and what needs attention. An honest welcome when nothing is in yet.
import { AlertTriangle, CheckCircle2, LayoutDashboard } from 'lucide-react';
import { categoryLabels } from '../../common/domain';
import { useQuery } from '../api/hooks';
import { useAppActions } from '../app-actions';
import { BarChart } from '../components/BarChart';
import { Screen } from '../components/Screen';
import { isSectionId } from '../sections';
import { formatBytes, formatDate, formatNumber } from '../library/format';
import { useLibraryChanged } from '../library/use-library-changed';
import { GuideScreen } from './GuideScreen';

export function DashboardScreen() {
  const { data, error, reload } = useQuery('library.overview', {});
  useLibraryChanged(reload); // counts follow imports, phone syncs and erasures while on screen
  const { openImport, go } = useAppActions();
  if (error) {
    return (
      <Screen title="Dashboard">
        <p className="notice error">{error.message}</p>
      </Screen>
    );
  }
  if (!data) return <Screen title="Dashboard"><p className="muted" aria-busy="true">Loading…</p></Screen>;
  if (data.items === 0) {
    return (
      <GuideScreen title="Dashboard" subtitle="Your devices, backups and where everything is kept." icon={LayoutDashboard} heading="Welcome to Keepsake" actions={<button type="button" className="button primary" onClick={openImport}>Import…</button>}>
        Nothing imported yet. Import a phone backup or export you already have (Android, iPhone, Google Takeout, vCard, calendar, SMS Backup &amp; Restore, mail, photo folders), or pair a phone to back it up over your home network.
      </GuideScreen>
    );
  }
  return (
    <Screen title="Dashboard" subtitle={`${formatNumber(data.items)} items · ${formatBytes(data.bytes)} of files`} actions={<button type="button" className="button" onClick={openImport}>Import…</button>}>
      <div className="dash-grid">
        <section className="card" aria-labelledby="attention-h">
          <h2 id="attention-h">Needs attention</h2>
          {data.attention.length === 0 ? (
            <p className="row">
              <CheckCircle2 size={18} className="accent" aria-hidden="true" /> All good: every copy is where it should be.
            </p>
          ) : (
            <ul className="plain-list attention-list">
              {data.attention.map((a) => (
                <li key={a.message} className="row">
                  <AlertTriangle size={16} className="warn-icon" aria-hidden="true" />
                  <span className="grow">{a.message}</span>
                  {isSectionId(a.section) ? (
                    <button type="button" className="button small" onClick={() => go(a.section as never)}>
                      Open
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="devices-h">
          <h2 id="devices-h">Devices and last backups</h2>
          <table className="plain-table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Items</th>
                <th scope="col">Last backup</th>
              </tr>
            </thead>
            <tbody>
              {data.devices.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.name}
                    {d.model ? <span className="muted"> · {d.model}</span> : null}
                  </td>
                  <td>{formatNumber(d.items)}</td>
                  <td>{d.lastBackupAt ? formatDate(d.lastBackupAt) : d.lastSeenAt ? `Seen ${formatDate(d.lastSeenAt)}` : 'Imports only'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card" aria-labelledby="cat-h">
          <h2 id="cat-h">By category</h2>
          <BarChart title="Items by category" bars={data.categories.map((c) => ({ label: categoryLabels[c.category], value: c.count, text: `${formatNumber(c.count)}${c.bytes ? ` · ${formatBytes(c.bytes)}` : ''}` }))} />
        </section>
        <section className="card" aria-labelledby="loc-h">
          <h2 id="loc-h">By location</h2>
          <BarChart title="Copies by location" bars={data.locations.map((l) => ({ label: l.name, value: l.count, text: `${formatNumber(l.count)} · ${formatBytes(l.bytes)}` }))} />
          <button type="button" className="button link" onClick={() => go('datamap')}>
            Open the data map
          </button>
        </section>
      </div>
    </Screen>
  );
}
