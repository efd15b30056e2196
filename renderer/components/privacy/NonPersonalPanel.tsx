// Non-personal information: what Keepsake keeps that is not about a person (device models,
// its own version, statistics), that none of it is sent anywhere, and the combination rule:
// linked to personal items, it is treated as personal.
import { humanCount } from '../../../common/format';
import { useQuery } from '../../api/hooks';

export function NonPersonalPanel() {
  const report = useQuery('privacy.nonPersonal', {});
  const r = report.data;
  return (
    <section className="card stack" aria-labelledby="nonpersonal-title">
      <h2 id="nonpersonal-title">Non-personal information</h2>
      <p className="muted">
        Keepsake sends none of this anywhere: there is no telemetry, no analytics, no crash upload. Your cloud copies carry it only inside the encrypted index. When a non-personal record is linked to
        personal ones — a phone&apos;s model next to the messages that came from it — Keepsake treats it as personal for as long as it is linked.
      </p>
      {r ? (
        <table className="plain-table" data-testid="non-personal">
          <tbody>
            <tr>
              <th scope="row">Keepsake version</th>
              <td>{r.appVersion}</td>
            </tr>
            {r.devices.map((d) => (
              <tr key={d.name}>
                <th scope="row">Device “{d.name}”</th>
                <td>
                  {[d.model, d.platform].filter(Boolean).join(', ') || 'no model recorded'} ·{' '}
                  {d.treatedAs === 'personal' ? `treated as personal (linked to ${humanCount(d.linkedPersonalItems)} personal items)` : 'non-personal'}
                </td>
              </tr>
            ))}
            {r.statistics.map((s) => (
              <tr key={s.what}>
                <th scope="row">{s.what}</th>
                <td>{humanCount(s.value)}</td>
              </tr>
            ))}
            {r.nonPersonalItems.map((c) => (
              <tr key={c.category}>
                <th scope="row">Non-personal {c.category} items</th>
                <td>{humanCount(c.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
