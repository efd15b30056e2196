// An import's report: totals by category, then each file with its outcome, and every
// refusal with where it happened and why, in plain words.
import { categoryLabels, type Category } from '../../common/domain';
import type { ImportReport } from '../../common/contract/intake';
import { humanCount } from '../../common/format';

const STATUS: Record<string, string> = { imported: 'Imported', duplicate: 'Already in the vault', tombstoned: 'Skipped: erased before', refused: 'Refused' };

function counts(items: Partial<Record<Category, number>>): string {
  const parts = Object.entries(items)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([c, n]) => `${humanCount(n ?? 0)} ${categoryLabels[c as Category].toLowerCase()}`);
  return parts.length ? parts.join(', ') : 'nothing new';
}

/** A path as the person knows it: uploads lose their private staging folder prefix. */
export function displayPath(path: string): string {
  const staged = /\/staging\/uploads\/[0-9a-f]{16}\/(.+)$/.exec(path);
  if (staged?.[1]) return staged[1];
  return path.split('/').slice(-2).join('/');
}

export function ImportReportView({ report }: { report: ImportReport }) {
  const refused = report.files.filter((f) => f.status === 'refused').length;
  return (
    <div className="import-report" data-testid="import-report">
      <p>
        <strong>{report.state === 'finished' ? 'Import finished.' : report.state === 'cancelled' ? 'Import cancelled — what was read so far is kept.' : 'Import failed.'}</strong>{' '}
        {counts(report.totals)}
        {refused ? `; ${refused} file${refused === 1 ? '' : 's'} refused` : ''}.
      </p>
      <ul className="report-files">
        {report.files.map((f) => (
          <li key={f.path} className={`report-file ${f.status}`}>
            <span className="report-path" title={f.path}>
              {displayPath(f.path)}
            </span>
            <span className="report-status">{STATUS[f.status]}</span>
            <span className="muted">{f.status === 'refused' ? f.reason : counts(f.items)}</span>
          </li>
        ))}
      </ul>
      {report.refusals.length ? (
        <details>
          <summary>
            {report.refusals.length} part{report.refusals.length === 1 ? '' : 's'} could not be read
          </summary>
          <ul className="report-refusals">
            {report.refusals.slice(0, 200).map((r, i) => (
              <li key={i}>
                <code>{displayPath(r.path)}</code> {r.position}: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
