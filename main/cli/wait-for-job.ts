// Waits in a CLI run for a job to end, telling the caller each time its phase changes
// (the commands print phases as progress lines).
import type { JobInfo } from '../../common/contract/jobs';
import type { Core } from '../core/core';

export function waitForJob(core: Core, id: string, onPhase: (job: JobInfo) => void = () => undefined): Promise<JobInfo> {
  return new Promise((resolve) => {
    let last = '';
    const check = (): void => {
      const job = core.jobs.get(id);
      if (job.phase !== last) {
        last = job.phase;
        onPhase(job);
      }
      if (job.finishedAt) {
        off();
        resolve(job);
      }
    };
    // Subscribe before the first look, so an end between the two cannot be missed.
    const off = core.events.subscribe((e) => {
      if (e.name === 'job.progressed' && e.payload.id === id) check();
    });
    check();
  });
}
