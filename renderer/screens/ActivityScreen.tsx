// Activity: every job of this session with its progress, and the history with outcomes.
import { Activity } from 'lucide-react';
import type { JobInfo } from '../../common/contract/jobs';
import { Screen } from '../components/Screen';
import { EmptyState } from '../components/EmptyState';
import { JobRow } from '../components/JobRow';

export function ActivityScreen({ jobs }: { jobs: JobInfo[] }) {
  const active = jobs.filter((j) => !j.finishedAt);
  const done = jobs.filter((j) => j.finishedAt);
  return (
    <Screen title="Activity" subtitle="Imports, backups, syncs and erasures, with their outcomes.">
      {jobs.length === 0 ? (
        <EmptyState icon={Activity} title="Nothing has run yet">
          Imports, phone syncs, cloud syncs, checks and erasures appear here with a progress bar while they run and their outcome afterwards.
        </EmptyState>
      ) : (
        <>
          {active.length ? (
            <>
              <h2 className="section-title">Running</h2>
              <ul className="job-list">
                {active.map((j) => (
                  <JobRow key={j.id} job={j} />
                ))}
              </ul>
            </>
          ) : null}
          {done.length ? (
            <>
              <h2 className="section-title">History</h2>
              <ul className="job-list">
                {done.map((j) => (
                  <JobRow key={j.id} job={j} />
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </Screen>
  );
}
