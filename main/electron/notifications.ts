// Decides which job updates deserve a native notification: a long job (running at least
// LONG_JOB_MS) that finished, failed or was cancelled, once per job. Quick jobs finish
// while the person is still looking at them, so they only show in the in-app panel.
// Notification text carries the job's title and outcome, never item content.
import type { JobInfo } from '../../common/contract/jobs';

export const LONG_JOB_MS = 10_000;

export interface NotificationText {
  title: string;
  body: string;
}

export function jobNotification(job: JobInfo, longJobMs = LONG_JOB_MS): NotificationText | null {
  if (job.finishedAt === null) return null;
  const duration = job.finishedAt - job.startedAt;
  if (job.state === 'failed') {
    // A failure is worth telling even when it was quick: the person may have walked away.
    return { title: `${job.title} failed`, body: job.error?.message ?? 'Open Keepsake to see what happened.' };
  }
  if (duration < longJobMs) return null;
  if (job.state === 'succeeded') return { title: `${job.title} finished`, body: job.summary ?? 'Done.' };
  if (job.state === 'cancelled') return { title: `${job.title} was cancelled`, body: job.summary ?? 'What it finished is kept.' };
  return null;
}

/** Remembers which jobs were already announced so repeated final events notify once. */
export function createJobNotifier(show: (text: NotificationText) => void, longJobMs = LONG_JOB_MS): (job: JobInfo) => void {
  const announced = new Set<string>();
  return (job) => {
    if (announced.has(job.id)) return;
    const text = jobNotification(job, longJobMs);
    if (!text) return;
    announced.add(job.id);
    if (announced.size > 1000) announced.delete(announced.values().next().value as string);
    show(text);
  };
}
