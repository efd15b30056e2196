// The recovery wizard: source → confirm it's you → target → categories → location →
// preview → progress → verification report. Every step is a form (Enter goes on, the
// buttons are reachable by Tab); the heading of each step takes focus when it appears.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { RecoveryCategory, type LocationChoice, type RecoveryPlan, type RecoveryPreview, type RecoveryReport, type RecoverySource } from '../../../common/contract/recovery';
import type { JobInfo } from '../../../common/contract/jobs';
import { categoryLabels } from '../../../common/domain';
import { humanBytes } from '../../../common/format';
import { api, ApiError } from '../../api/client';
import { useAppActions } from '../../app-actions';
import { useQuery } from '../../api/hooks';
import { useFollowedJob } from '../../api/use-followed-job';
import { useSensitive } from '../../api/use-sensitive';
import { ProgressBar } from '../ProgressBar';
import { ReverifyDialog } from '../ReverifyDialog';
import { LocationStep } from './LocationStep';
import { VerificationReport } from './VerificationReport';

type Step = 'source' | 'identity' | 'target' | 'categories' | 'location' | 'preview' | 'progress' | 'report';
const STEPS: Step[] = ['source', 'identity', 'target', 'categories', 'location', 'preview', 'progress', 'report'];
const TITLES: Record<Step, string> = {
  source: 'What to restore',
  identity: 'Confirm it’s you',
  target: 'Where to restore to',
  categories: 'Which kinds of data',
  location: 'Location sharing',
  preview: 'Check before restoring',
  progress: 'Restoring',
  report: 'Verification report',
};

export function RecoveryWizard() {
  const sources = useQuery('recovery.sources', {});
  const devices = useQuery('devices.list', {});
  const sensitive = useSensitive();
  const { openImport } = useAppActions();
  const [step, setStep] = useState<Step>('source');
  const [source, setSource] = useState<RecoverySource>({ kind: 'everything' });
  const [passphrase, setPassphrase] = useState('');
  const [target, setTarget] = useState<RecoveryPlan['target']>({ kind: 'bundle', dir: '' });
  const [categories, setCategories] = useState<RecoveryCategory[]>([...RecoveryCategory.options]);
  const [location, setLocation] = useState<LocationChoice>({ precision: 'none', expiresInMinutes: 60 });
  const [preview, setPreview] = useState<RecoveryPreview | null>(null);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const job = useFollowedJob(started);
  const finishedId = job?.finishedAt ? job.id : null;
  const [report, setReport] = useState<RecoveryReport | null>(null);
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [step]);

  const plan: RecoveryPlan = { source, target, categories, location };
  const paired = (devices.data?.devices ?? []).filter((d) => d.revokedAt === null);

  useEffect(() => {
    if (!finishedId) return;
    api.call('recovery.report', { id: finishedId }).then(
      (r) => {
        setReport(r);
        setStep('report');
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [finishedId]);

  function go(next: Step): void {
    setError('');
    setStep(next);
  }

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    setError('');
    try {
      if (step === 'source') go('identity');
      else if (step === 'identity') {
        await api.call('security.verifyIdentity', { passphrase });
        setPassphrase('');
        go('target');
      } else if (step === 'target') {
        if (target.kind === 'bundle' && !target.dir.trim()) return setError('Choose a folder for the bundle.');
        go('categories');
      } else if (step === 'categories') {
        if (!categories.length) return setError('Choose at least one kind of data.');
        go('location');
      } else if (step === 'location') {
        setPreview(await api.call('recovery.preview', plan));
        go('preview');
      } else if (step === 'preview') {
        const info = await sensitive.run(() => api.call('recovery.start', plan));
        setStarted(info);
        go('progress');
      }
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }

  async function pickFolder(): Promise<void> {
    const { paths: [dir] } = await api.call('dialogs.openPaths', { title: 'Folder for the export bundle', folders: true, multiple: false });
    if (dir) setTarget({ kind: 'bundle', dir });
  }

  async function withdraw(): Promise<void> {
    if (!job) return;
    await api.call('recovery.withdrawLocation', { id: job.id });
    setError('Location sharing was withdrawn: nothing more location-bearing will be shared.');
  }

  if (sources.data && (sources.data[0]?.items ?? 0) === 0) {
    return (
      <div className="card stack" data-testid="recovery-empty">
        <h2>Nothing to restore yet</h2>
        <p className="muted">Your vault is empty. Import a phone backup first; then you can restore it onto a new phone or into an export bundle.</p>
        <div className="row">
          <button type="button" className="button primary" onClick={openImport}>
            Import…
          </button>
        </div>
      </div>
    );
  }

  const index = STEPS.indexOf(step);
  const back = index > 0 && step !== 'progress' && step !== 'report' ? STEPS[index - 1] : null;
  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} data-testid="recovery-wizard" aria-labelledby="recovery-step-title">
      <p className="muted">
        Step {Math.min(index + 1, 8)} of 8
      </p>
      <h2 id="recovery-step-title" ref={heading} tabIndex={-1}>
        {TITLES[step]}
      </h2>
      {step === 'source' ? (
        <label className="field">
          <span>Restore from</span>
          <select
            aria-label="Restore from"
            value={source.kind === 'everything' ? 'everything' : source.kind === 'device' ? `device:${source.deviceId}` : source.kind === 'snapshot' ? `snapshot:${source.snapshotId}` : 'everything'}
            onChange={(e) => {
              const [kind, id] = e.target.value.split(/:(.*)/);
              setSource(kind === 'device' ? { kind: 'device', deviceId: id! } : kind === 'snapshot' ? { kind: 'snapshot', snapshotId: Number(id) } : { kind: 'everything' });
            }}
          >
            {(sources.data ?? []).map((s) => (
              <option key={`${s.kind}:${s.id}`} value={s.kind === 'everything' ? 'everything' : `${s.kind}:${s.id}`}>
                {s.label} ({s.items} items)
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {step === 'identity' ? (
        <label className="field">
          <span>Your passphrase</span>
          <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} aria-label="Passphrase" />
        </label>
      ) : null}
      {step === 'target' ? (
        <div className="stack">
          <label className="field inline">
            <input type="radio" name="target" checked={target.kind === 'bundle'} onChange={() => setTarget({ kind: 'bundle', dir: '' })} />
            <span>An export bundle any phone can import (contacts .vcf, calendar .ics, messages XML, notes, mail, photos)</span>
          </label>
          {target.kind === 'bundle' ? (
            <div className="row wrap">
              <label className="field">
                <span>Folder</span>
                <input value={target.dir} onChange={(e) => setTarget({ kind: 'bundle', dir: e.target.value })} aria-label="Bundle folder" />
              </label>
              <button type="button" className="button" onClick={() => void pickFolder()}>
                Choose…
              </button>
            </div>
          ) : null}
          <label className="field inline">
            <input type="radio" name="target" disabled={!paired.length} checked={target.kind === 'device'} onChange={() => paired[0] && setTarget({ kind: 'device', deviceId: paired[0].id })} />
            <span>A paired new phone{paired.length ? '' : ' (pair one in Devices first)'}</span>
          </label>
          {target.kind === 'device' ? (
            <select aria-label="Phone" value={target.deviceId} onChange={(e) => setTarget({ kind: 'device', deviceId: e.target.value })}>
              {paired.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          ) : null}
        </div>
      ) : null}
      {step === 'categories' ? (
        <fieldset className="stack">
          <legend className="muted">Choose what to restore</legend>
          {RecoveryCategory.options.map((c) => (
            <label key={c} className="field inline">
              <input type="checkbox" checked={categories.includes(c)} onChange={(e) => setCategories(e.target.checked ? [...categories, c] : categories.filter((x) => x !== c))} />
              <span>{categoryLabels[c]}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {step === 'location' ? <LocationStep value={location} onChange={setLocation} /> : null}
      {step === 'preview' && preview ? (
        <div className="stack" data-testid="recovery-preview">
          <p>
            {Object.entries(preview.counts)
              .map(([c, n]) => `${n} ${categoryLabels[c as RecoveryCategory].toLowerCase()}`)
              .join(', ') || 'Nothing matches'}{' '}
            · {humanBytes(preview.bytes)}
          </p>
          <p>
            <strong>Location:</strong> {preview.location.summary}
          </p>
          {preview.excluded.erased ? <p className="muted">{preview.excluded.erased} erased items will not come back.</p> : null}
        </div>
      ) : null}
      {step === 'progress' && job ? (
        <div className="stack">
          <p>{job.phase || 'Starting…'}</p>
          <ProgressBar value={job.done} max={job.total ?? 0} label="Restore progress" />
          {location.precision !== 'none' ? (
            <button type="button" className="button" onClick={() => void withdraw()}>
              Stop sharing location now
            </button>
          ) : null}
        </div>
      ) : null}
      {step === 'report' && report ? <VerificationReport report={report} /> : null}
      {error ? <p role="alert">{error}</p> : null}
      <div className="row end">
        {back ? (
          <button type="button" className="button ghost" onClick={() => go(back)}>
            Back
          </button>
        ) : null}
        {step === 'report' ? (
          <button type="button" className="button" onClick={() => go('source')}>
            Start another
          </button>
        ) : step !== 'progress' ? (
          <button type="submit" className="button primary">
            {step === 'preview' ? 'Restore' : step === 'identity' ? 'Confirm' : 'Next'}
          </button>
        ) : null}
      </div>
      <ReverifyDialog sensitive={sensitive} />
    </form>
  );
}
