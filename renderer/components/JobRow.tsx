// One job: title, phase, progress bar, ETA, and pause/resume/cancel where they apply.
import { Pause, Play, X } from 'lucide-react';
import type { JobInfo } from '../../common/contract/jobs';
import { humanBytes, humanCount, humanDuration } from '../../common/format';
import { api } from '../api/client';
import { ProgressBar } from './ProgressBar';
import { relativeTime } from '../format-time';

export function JobRow({ job }: { job: JobInfo }) {
  const active = job.state === 'running' || job.state === 'paused' || job.state === 'queued';
  const counts = job.total ? `${humanCount(job.done)} of ${humanCount(job.total)}` : job.done ? humanCount(job.done) : '';
  const bytes = job.bytesTotal ? `${humanBytes(job.bytesDone)} of ${humanBytes(job.bytesTotal)}` : '';
  return (
    <li className={`job job-${job.state}`}>
      <div className="job-head">
        <strong>{job.title}</strong>
        <span className="muted">{active ? job.phase : outcome(job)}</span>
      </div>
      {active ? (
        <>
          <ProgressBar value={job.bytesTotal ? job.bytesDone : job.done} max={job.bytesTotal ?? job.total} label={job.title} />
          <div className="job-meta muted">
            <span>{[counts, bytes].filter(Boolean).join(' · ')}</span>
            <span>{job.state === 'paused' ? 'Paused' : job.etaSeconds !== null ? `${humanDuration(job.etaSeconds)} left` : ''}</span>
          </div>
          <div className="job-actions">
            {job.canPause && job.state === 'running' ? (
              <button type="button" className="button small" onClick={() => void api.call('jobs.pause', { id: job.id })}>
                <Pause size={14} aria-hidden="true" /> Pause
              </button>
            ) : null}
            {job.state === 'paused' ? (
              <button type="button" className="button small" onClick={() => void api.call('jobs.resume', { id: job.id })}>
                <Play size={14} aria-hidden="true" /> Resume
              </button>
            ) : null}
            <button type="button" className="button small ghost" onClick={() => void api.call('jobs.cancel', { id: job.id })}>
              <X size={14} aria-hidden="true" /> Cancel
            </button>
          </div>
        </>
      ) : (
        <div className="job-meta muted">
          <span>{job.summary ?? job.error?.message ?? ''}</span>
          <span>{job.finishedAt ? relativeTime(job.finishedAt) : ''}</span>
        </div>
      )}
    </li>
  );
}

function outcome(job: JobInfo): string {
  switch (job.state) {
    case 'succeeded':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    default:
      return job.phase;
  }
}
