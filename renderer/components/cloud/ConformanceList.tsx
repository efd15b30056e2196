// The provider conformance check, in plain words: what works, what to know, what fails.
import { AlertTriangle, CheckCircle2, XCircle } from 'lucide-react';
import type { ConformanceReport } from '../../../common/contract/cloud';

const ICON = { ok: CheckCircle2, warning: AlertTriangle, error: XCircle } as const;
const TONE = { ok: 'ok', warning: 'warn', error: 'error' } as const;

export function ConformanceList({ report }: { report: ConformanceReport }) {
  return (
    <div className="stack" data-testid="conformance">
      <p>
        <strong>{report.ok ? 'This target can hold your vault safely.' : 'This target cannot hold your vault safely.'}</strong>
      </p>
      <ul className="plain-list">
        {report.checks.map((c) => {
          const Icon = ICON[c.level];
          return (
            <li key={c.id} className={`outcome ${TONE[c.level]} row`}>
              <Icon size={15} aria-hidden="true" />
              <span>{c.message}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
