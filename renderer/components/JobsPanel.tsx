// The jobs panel: running work where the user is looking (top bar), fed by job.progressed.
import { useState } from 'react';
import { Loader } from 'lucide-react';
import type { JobInfo } from '../../common/contract/jobs';
import { JobRow } from './JobRow';

export function JobsPanel({ jobs }: { jobs: JobInfo[] }) {
  const [open, setOpen] = useState(false);
  const active = jobs.filter((j) => j.state === 'running' || j.state === 'paused' || j.state === 'queued');
  if (active.length === 0) return null;
  return (
    <div className="jobs-panel">
      <button type="button" className="button small" aria-expanded={open} aria-controls="jobs-panel-list" onClick={() => setOpen((o) => !o)}>
        <Loader size={14} className="spin" aria-hidden="true" />
        {active.length === 1 ? (active[0]?.title ?? '1 job') : `${active.length} jobs running`}
      </button>
      {open ? (
        <ul id="jobs-panel-list" className="jobs-popover" aria-label="Running jobs">
          {active.map((j) => (
            <JobRow key={j.id} job={j} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
