// Import…: choose files or a folder (native pickers in the desktop app; upload, including
// drag-and-drop of folders, in the browser), watch the import run, then read the report:
// what was imported, already present, skipped as erased, or refused and why.
import * as Dialog from '@radix-ui/react-dialog';
import { FileUp, FolderUp, Upload, X } from 'lucide-react';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { ImportReport } from '../../common/contract/intake';
import type { JobInfo } from '../../common/contract/jobs';
import { humanBytes } from '../../common/format';
import { api, ApiError } from '../api/client';
import { useQuery } from '../api/hooks';
import { useFollowedJob } from '../api/use-followed-job';
import { fromDrop, fromInput, uploadAll, type UploadFile, type UploadProgress } from '../api/upload';
import { BackupPasswordForm } from './BackupPasswordForm';
import { ImportReportView } from './ImportReportView';
import { ProgressBar } from './ProgressBar';
import { JobRow } from './JobRow';
import { WatchFolders } from './WatchFolders';

type Step = { kind: 'choose' } | { kind: 'uploading'; progress: UploadProgress } | { kind: 'importing'; job: JobInfo } | { kind: 'report'; report: ImportReport };

export function ImportDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [error, setError] = useState('');
  const [dragging, setDragging] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const dialogs = useQuery('dialogs.available', {});
  const formats = useQuery('intake.formats', {});
  const native = dialogs.data?.available === true;
  const job = useFollowedJob(step.kind === 'importing' ? step.job : null);
  const finishedId = job?.finishedAt ? job.id : null;

  // When the import job ends (however we learn it), fetch its report.
  useEffect(() => {
    if (!finishedId) return;
    api.call('intake.report', { jobId: finishedId }).then(
      (report) => setStep({ kind: 'report', report }),
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [finishedId]);

  function reset(): void {
    abort.current?.abort();
    setStep({ kind: 'choose' });
    setFiles([]);
    setError('');
  }

  async function start(paths: string[], backupPassword?: string): Promise<void> {
    try {
      const job = await api.call('intake.start', { paths, ...(backupPassword ? { backupPassword } : {}) });
      setStep({ kind: 'importing', job });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      setStep({ kind: 'choose' });
    }
  }

  async function pickNative(folders: boolean): Promise<void> {
    setError('');
    try {
      const { paths } = await api.call('dialogs.openPaths', { title: folders ? 'Choose a folder to import' : 'Choose files to import', folders, multiple: true });
      if (paths.length) await start(paths);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function uploadAndImport(): Promise<void> {
    setError('');
    abort.current = new AbortController();
    try {
      setStep({ kind: 'uploading', progress: { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: total } });
      const folder = await uploadAll(files, (progress) => setStep({ kind: 'uploading', progress }), abort.current.signal);
      await start([folder]);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
      setStep({ kind: 'choose' });
    }
  }

  async function onDrop(e: DragEvent): Promise<void> {
    e.preventDefault();
    setDragging(false);
    if (native) return setError('Dropping files is not supported in this window yet: use Choose files… or Choose a folder….');
    const dropped = await fromDrop(e.dataTransfer.items);
    setFiles((f) => [...f, ...dropped]);
  }

  const total = files.reduce((n, f) => n + f.file.size, 0);

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(o) => {
        if (!o && step.kind !== 'importing') reset();
        onOpenChange(o);
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog import-dialog" aria-describedby="import-help">
          <div className="dialog-head">
            <Dialog.Title>Import</Dialog.Title>
            <Dialog.Close className="button ghost small" aria-label="Close">
              <X size={16} aria-hidden="true" />
            </Dialog.Close>
          </div>

          {step.kind === 'choose' ? (
            <>
              <p id="import-help" className="muted">
                Bring in backups and exports you already have. Keepsake reads {formats.data ? formats.data.map((f) => f.label).join(', ') : 'phone backups and exports'}. Importing the same file twice adds nothing.
              </p>
              <div
                className={dragging ? 'drop-zone dragging' : 'drop-zone'}
                onDragOver={(e) => {
                  e.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={(e) => void onDrop(e)}
              >
                <Upload size={28} strokeWidth={1.4} aria-hidden="true" />
                <span>Drop files or folders here</span>
                <div className="row">
                  {native ? (
                    <>
                      <button type="button" className="button" onClick={() => void pickNative(false)}>
                        <FileUp size={15} aria-hidden="true" /> Choose files…
                      </button>
                      <button type="button" className="button" onClick={() => void pickNative(true)}>
                        <FolderUp size={15} aria-hidden="true" /> Choose a folder…
                      </button>
                    </>
                  ) : (
                    <>
                      <label className="button">
                        <FileUp size={15} aria-hidden="true" /> Choose files…
                        <input type="file" multiple className="visually-hidden" data-testid="import-files" onChange={(e) => setFiles((f) => [...f, ...fromInput(e.target.files)])} />
                      </label>
                      <label className="button">
                        <FolderUp size={15} aria-hidden="true" /> Choose a folder…
                        <input
                          type="file"
                          multiple
                          className="visually-hidden"
                          ref={(el) => el?.setAttribute('webkitdirectory', '')}
                          onChange={(e) => setFiles((f) => [...f, ...fromInput(e.target.files)])}
                        />
                      </label>
                    </>
                  )}
                </div>
              </div>
              {files.length ? (
                <div className="row spread">
                  <span>
                    {files.length} file{files.length === 1 ? '' : 's'}, {humanBytes(total)}
                  </span>
                  <span className="row">
                    <button type="button" className="button ghost" onClick={() => setFiles([])}>
                      Clear
                    </button>
                    <button type="button" className="button primary" onClick={() => void uploadAndImport()}>
                      Import {files.length} file{files.length === 1 ? '' : 's'}
                    </button>
                  </span>
                </div>
              ) : null}
              <WatchFolders native={native} />
            </>
          ) : null}

          {step.kind === 'uploading' ? (
            <div className="stack">
              <p>
                Sending {step.progress.filesTotal} file{step.progress.filesTotal === 1 ? '' : 's'} to Keepsake… {humanBytes(step.progress.bytesDone)} of {humanBytes(step.progress.bytesTotal)}
              </p>
              <ProgressBar value={step.progress.bytesDone} max={step.progress.bytesTotal} label="Upload" />
              <button type="button" className="button ghost" onClick={reset}>
                Cancel
              </button>
            </div>
          ) : null}

          {step.kind === 'importing' ? (
            <ul className="job-list">
              <JobRow job={job ?? step.job} />
            </ul>
          ) : null}

          {step.kind === 'report' ? (
            <>
              <ImportReportView report={step.report} />
              <BackupPasswordForm report={step.report} onRetry={(paths, password) => void start(paths, password)} />
              <div className="row end">
                <button type="button" className="button" onClick={reset}>
                  Import more
                </button>
                <Dialog.Close className="button primary">Done</Dialog.Close>
              </div>
            </>
          ) : null}

          {error ? (
            <p className="error-text" role="alert">
              {error}
            </p>
          ) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
