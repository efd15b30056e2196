// "Download my data": everything Keepsake holds about you, written to a folder you pick
// (a new dated folder inside it; never Keepsake's data folder), after confirming it's you,
// with progress and cancel, ending with the export receipt.
import { Download } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { Receipt } from '../../../common/contract/erasure';
import type { JobInfo } from '../../../common/contract/jobs';
import { api, ApiError } from '../../api/client';
import { useQuery } from '../../api/hooks';
import { useFollowedJob } from '../../api/use-followed-job';
import { useSensitive } from '../../api/use-sensitive';
import { JobRow } from '../JobRow';
import { ReverifyDialog } from '../ReverifyDialog';
import { ReceiptView } from './ReceiptView';

export function PrivacyReportPanel({ onDone }: { onDone?(): void }) {
  const [dir, setDir] = useState('');
  const [started, setStarted] = useState<JobInfo | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [error, setError] = useState('');
  const sensitive = useSensitive();
  const dialogs = useQuery('dialogs.available', {});
  const job = useFollowedJob(started);
  const finished = job?.finishedAt ? job : null;
  const succeededId = finished?.state === 'succeeded' ? finished.id : null;
  const failure = finished && finished.state !== 'succeeded' ? (finished.state === 'cancelled' ? 'Cancelled: nothing was kept in the folder.' : (finished.error?.message ?? 'The report did not finish.')) : '';

  // Once per finished job: fetch its export receipt.
  useEffect(() => {
    if (!succeededId) return;
    api.call('receipts.list', {}).then(
      (list) => {
        setReceipt(list.find((r) => r.kind === 'export') ?? null);
        onDone?.();
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [succeededId, onDone]);

  async function pick(): Promise<void> {
    const { paths: [picked] } = await api.call('dialogs.openPaths', { title: 'Folder for your data', folders: true, multiple: false });
    if (picked) setDir(picked);
  }

  async function start(): Promise<void> {
    setError('');
    setReceipt(null);
    if (!dir.trim()) return setError('Choose a folder for your data.');
    try {
      setStarted(await sensitive.run(() => api.call('privacy.report', { dir: dir.trim() })));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CANCELLED') return;
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  const running = started !== null && !finished;
  return (
    <section className="card stack" aria-labelledby="report-title" data-testid="privacy-report">
      <h2 id="report-title">Download my data</h2>
      <p className="muted">
        Everything Keepsake holds about you, in a folder you can open without Keepsake: an index of every item, the original files, contacts, calendar, messages, mail, notes and photos in
        standard formats, the consent ledger and every receipt. The folder is not encrypted — keep it somewhere safe. You get a receipt.
      </p>
      <div className="row wrap">
        <label className="field">
          <span>Folder</span>
          <input value={dir} onChange={(e) => setDir(e.target.value)} aria-label="Folder for your data" placeholder="e.g. /home/you/Documents" disabled={running} />
        </label>
        {dialogs.data?.available ? (
          <button type="button" className="button align-end" onClick={() => void pick()} disabled={running}>
            Choose…
          </button>
        ) : null}
        <button type="button" className="button primary align-end" onClick={() => void start()} disabled={running}>
          <Download size={15} aria-hidden="true" /> Download my data
        </button>
      </div>
      {job && running ? (
        <ul className="job-list">
          <JobRow job={job} />
        </ul>
      ) : null}
      {error || failure ? (
        <p className="error-text" role="alert">
          {error || failure}
        </p>
      ) : null}
      {receipt ? (
        <>
          {finished?.summary ? <p>{finished.summary}</p> : null}
          <ReceiptView receipt={receipt} />
        </>
      ) : null}
      <ReverifyDialog sensitive={sensitive} />
    </section>
  );
}
