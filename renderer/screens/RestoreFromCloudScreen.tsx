// First run on a new computer: rebuild the whole vault from a cloud copy with the
// recovery key from the Emergency Kit. Checks the target first, then restores as a job and
// verifies every chunk; afterwards the vault opens with the same passphrase as before.
import { useState, type FormEvent } from 'react';
import { CloudDownload } from 'lucide-react';
import type { ConformanceReport } from '../../common/contract/cloud';
import type { JobInfo } from '../../common/contract/jobs';
import { api, ApiError } from '../api/client';
import { useFollowedJob } from '../api/use-followed-job';
import { ConformanceList } from '../components/cloud/ConformanceList';
import { JobRow } from '../components/JobRow';
import { toRequest, TargetFields, useTargetForm } from '../components/cloud/target-form';

export function RestoreFromCloudScreen({ onBack, onDone }: { onBack(): void; onDone(): void }) {
  const form = useTargetForm();
  const [recoveryKey, setRecoveryKey] = useState('');
  const [report, setReport] = useState<ConformanceReport | null>(null);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const job = useFollowedJob(started);
  const [error, setError] = useState('');

  const failure = job?.finishedAt && job.state !== 'succeeded' ? (job.error?.message ?? 'The restore did not finish.') : '';

  async function start(e: FormEvent): Promise<void> {
    e.preventDefault();
    setError('');
    try {
      const req = toRequest(form.value);
      const check = await api.call('cloud.checkTarget', req);
      setReport(check.conformance);
      if (!check.conformance.ok) return;
      setStarted(await api.call('cloud.restoreVault', { ...req, recoveryKey }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }

  const done = job?.state === 'succeeded';
  return (
    <main className="center-page">
      <form className="card narrow wide-card" onSubmit={(e) => void start(e)} aria-labelledby="restore-title">
        <CloudDownload size={32} strokeWidth={1.4} aria-hidden="true" className="accent" />
        <h1 id="restore-title">Restore your vault from the cloud</h1>
        <p className="muted">Use this on a new computer. You need the cloud target your vault was mirrored to and the recovery key from your Emergency Kit.</p>
        {job ? (
          <ul className="job-list">
            <JobRow job={job} />
          </ul>
        ) : (
          <>
            <TargetFields form={form} />
            <label className="field">
              <span>Recovery key</span>
              <input type="text" spellCheck={false} autoComplete="off" value={recoveryKey} onChange={(e) => setRecoveryKey(e.target.value)} placeholder="XXXX-XXXX-…" />
            </label>
          </>
        )}
        {report && !report.ok ? <ConformanceList report={report} /> : null}
        {error || failure ? (
          <p className="error-text" role="alert">
            {error || failure}
          </p>
        ) : null}
        {done ? (
          <>
            <p className="notice ok" role="status">
              Your vault is back, and every chunk was checked. Unlock it with your passphrase (or the recovery key).
            </p>
            <button type="button" className="button primary wide" onClick={onDone}>
              Continue
            </button>
          </>
        ) : (
          <div className="row spread">
            <button type="button" className="button ghost" onClick={onBack} disabled={job !== null && !job.finishedAt}>
              Back
            </button>
            {!job || job.finishedAt ? (
              <button type="submit" className="button primary" disabled={recoveryKey.length < 10}>
                Restore
              </button>
            ) : null}
          </div>
        )}
      </form>
    </main>
  );
}
