// Follows one job from the moment it was started to its end.
// Events alone are not enough: a short job can finish between the call that started it
// returning and the component subscribing, and an events stream that reconnects misses
// what happened meanwhile — the screen then waits forever on a job that already ended.
// So: subscribe, read the job's state once, and keep a slow poll while it runs. A job
// seen finished never goes back to running, whatever order the answers arrive in.
import { useEffect, useState } from 'react';
import type { JobInfo } from '../../common/contract/jobs';
import { api } from './client';

const POLL_MS = 2000;

/** The latest known state of `started` (null when nothing is being followed). */
export function useFollowedJob(started: JobInfo | null): JobInfo | null {
  const [latest, setLatest] = useState<JobInfo | null>(null);
  const id = started?.id ?? null;

  useEffect(() => {
    if (!id) return;
    let live = true;
    const take = (job: JobInfo): void => {
      if (!live || job.id !== id) return;
      if (job.finishedAt) clearInterval(timer);
      setLatest((prev) => (prev?.id === id && prev.finishedAt && !job.finishedAt ? prev : job));
    };
    const refresh = (): void => {
      api.call('jobs.list', {}).then(
        (list) => {
          const job = list.find((j) => j.id === id);
          if (job) take(job);
        },
        () => undefined, // the next poll or event brings it
      );
    };
    const off = api.on('job.progressed', take);
    const timer = setInterval(refresh, POLL_MS);
    refresh();
    return () => {
      live = false;
      off();
      clearInterval(timer);
    };
  }, [id]);

  if (!started) return null;
  return latest?.id === started.id ? latest : started;
}
