// The verification report of a recovery: per category expected / written / verified by
// hash, what was skipped and why, what the format could not carry, and what happened to
// location (with the one-click withdrawal while a recovery runs).
import type { RecoveryReport } from '../../../common/contract/recovery';
import { categoryLabels } from '../../../common/domain';

export function VerificationReport({ report }: { report: RecoveryReport }) {
  return (
    <section className="stack" data-testid="recovery-report" aria-labelledby="recovery-report-title">
      <h2 id="recovery-report-title">{report.ok ? 'Restored and verified' : report.state === 'finished' ? 'Restored, with items to look at' : 'The restore did not finish'}</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Expected</th>
            <th scope="col">Written</th>
            <th scope="col">Verified by hash</th>
            <th scope="col">Skipped</th>
          </tr>
        </thead>
        <tbody>
          {report.categories.map((c) => (
            <tr key={c.category}>
              <th scope="row">{categoryLabels[c.category]}</th>
              <td>{c.expected}</td>
              <td>{c.written}</td>
              <td>{c.verified}</td>
              <td>{c.skipped.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.categories.some((c) => c.skipped.length || Object.keys(c.unsupported).length) ? (
        <ul className="plain-list">
          {report.categories.flatMap((c) => [
            ...c.skipped.slice(0, 10).map((s) => <li key={`${c.category}-s-${s.itemId}`}>{categoryLabels[c.category]}: {s.reason}</li>),
            ...Object.entries(c.unsupported).map(([f, n]) => (
              <li key={`${c.category}-u-${f}`} className="muted">
                {categoryLabels[c.category]}: the format cannot hold “{f}” ({n})
              </li>
            )),
          ])}
        </ul>
      ) : null}
      {report.erasedLeftOut ? <p className="muted">{report.erasedLeftOut} erased items were left out: erased items never come back.</p> : null}
      <div className="stack" data-testid="recovery-report-location">
        <strong>Location</strong>
        <p>
          {report.location.shared} precise, {report.location.coarsened} rounded to about 1 km, {report.location.removed} removed.
        </p>
        {report.location.notes.map((n) => (
          <p key={n} className="muted">
            {n}
          </p>
        ))}
        {report.location.purgeReceiptId ? <p className="muted">The location data collected for this recovery was erased (receipt {report.location.purgeReceiptId.slice(0, 8)}).</p> : null}
      </div>
    </section>
  );
}
