// intake.* handlers: start an import job, read its report, list importable formats.
import { importReport, startImport } from '../intake/import-job';
import { formatList } from '../intake/registry';
import type { DomainHandlers } from './types';

export const intakeHandlers: DomainHandlers<'intake'> = {
  'intake.start': async ({ paths, backupPassword }, core) => startImport(core, paths, backupPassword !== undefined ? { password: backupPassword } : {}),
  'intake.report': async ({ jobId }, core) => {
    const { internalErrors: _internal, ...report } = importReport(core, jobId) as ReturnType<typeof importReport> & { internalErrors?: number };
    return report;
  },
  'intake.formats': async () => formatList(),
};
