// jobs.* handlers: list, cancel, pause and resume long-running work.
import type { DomainHandlers } from './types';

export const jobHandlers: DomainHandlers<'jobs'> = {
  'jobs.list': async (_input, core) => core.jobs.list(),
  'jobs.cancel': async ({ id }, core) => core.jobs.cancel(id),
  'jobs.pause': async ({ id }, core) => core.jobs.pause(id),
  'jobs.resume': async ({ id }, core) => core.jobs.resume(id),
};
