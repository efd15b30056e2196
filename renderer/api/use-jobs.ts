// Live jobs: loaded once from jobs.list, then kept current by `job.progressed` events.
import { useEffect, useState } from 'react';
import type { JobInfo } from '../../common/contract/jobs';
import { api } from './client';

export function useJobs(): JobInfo[] {
  const [jobs, setJobs] = useState<Map<string, JobInfo>>(new Map());
  useEffect(() => {
    let live = true;
    api.call('jobs.list', {}).then(
      (list) => live && setJobs((prev) => new Map([...list.map((j) => [j.id, j] as const), ...prev])),
      () => undefined,
    );
    const off = api.on('job.progressed', (job) => setJobs((prev) => new Map(prev).set(job.id, job)));
    return () => {
      live = false;
      off();
    };
  }, []);
  return [...jobs.values()].sort((a, b) => b.startedAt - a.startedAt);
}
