// Erase: preview every place a copy lives → confirm (passphrase, if not confirmed
// recently) → erase with progress → the receipt. Used from any item's "Stored in" panel,
// a search result, a category or a device.
import * as Dialog from '@radix-ui/react-dialog';
import { Trash2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ErasePreview, Receipt, Selection } from '../../../common/contract/erasure';
import type { JobInfo } from '../../../common/contract/jobs';
import { humanBytes } from '../../../common/format';
import { api, ApiError } from '../../api/client';
import { useFollowedJob } from '../../api/use-followed-job';
import { useSensitive } from '../../api/use-sensitive';
import { JobRow } from '../JobRow';
import { ReverifyDialog } from '../ReverifyDialog';
import { ReceiptView } from './ReceiptView';

type Step =
  | { kind: 'loading' }
  | { kind: 'preview'; preview: ErasePreview }
  | { kind: 'erasing'; job: JobInfo; receiptId: string }
  | { kind: 'done'; receipt: Receipt }
  | { kind: 'error'; message: string };

interface Props {
  selection: Selection;
  /** What the button says and the dialog is about ("this photo"). */
  label: string;
  open: boolean;
  onOpenChange(open: boolean): void;
  onErased?(): void;
}

export function EraseDialog({ selection, label, open, onOpenChange, onErased }: Props) {
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const sensitive = useSensitive();
  const selectionKey = JSON.stringify(selection);

  useEffect(() => {
    if (!open) return;
    let live = true;
    api.call('erase.preview', { selection: JSON.parse(selectionKey) as Selection }).then(
      (preview) => live && setStep({ kind: 'preview', preview }),
      (e: unknown) => live && setStep({ kind: 'error', message: e instanceof ApiError ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [open, selectionKey]);

  const job = useFollowedJob(step.kind === 'erasing' ? step.job : null);
  const finished = job?.finishedAt ? job : null;
  const receiptId = step.kind === 'erasing' ? step.receiptId : null;
  useEffect(() => {
    if (!finished || !receiptId) return;
    // This erase's own receipt, by the id the job named: not the newest one, which may be an
    // older receipt that a phone's acknowledgement just revised.
    const own = finished.state === 'succeeded' ? api.call('receipts.get', { id: receiptId }) : Promise.reject(new Error(finished.error?.message ?? 'The erase did not finish.'));
    own.then(
      ({ receipt }) => setStep({ kind: 'done', receipt }),
      (e: unknown) => setStep({ kind: 'error', message: e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per finished job, not per re-render
  }, [finished?.id]);

  async function erase(preview: ErasePreview): Promise<void> {
    try {
      const { receiptId, ...job } = await sensitive.run(() => api.call('erase.start', { itemIds: preview.itemIds, scope: preview.scope }));
      setStep({ kind: 'erasing', job, receiptId });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CANCELLED') return;
      setStep({ kind: 'error', message: e instanceof ApiError ? e.message : String(e) });
    }
  }

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(o) => {
        if (step.kind === 'erasing') return;
        if (!o) setStep({ kind: 'loading' });
        onOpenChange(o);
        // Tell the screen only once the receipt has been seen: it may close this item's view.
        if (!o && step.kind === 'done') onErased?.();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog erase-dialog" aria-describedby="erase-help">
          <Dialog.Title>Erase {label}</Dialog.Title>
          {step.kind === 'loading' ? <p id="erase-help">Finding every copy…</p> : null}
          {step.kind === 'preview' ? (
            <>
              <p id="erase-help">
                This erases <strong>{step.preview.scope}</strong> ({humanBytes(step.preview.bytes)}) from every place Keepsake keeps it. It cannot be undone, and if the same item arrives again from a
                phone, an import or an old snapshot, Keepsake will skip it.
              </p>
              {step.preview.held ? (
                <p className="notice error">
                  {step.preview.held} item{step.preview.held === 1 ? ' is' : 's are'} under legal hold and will not be erased until the hold is released.
                </p>
              ) : null}
              <table className="plain-table" data-testid="erase-locations">
                <caption className="visually-hidden">Where copies live</caption>
                <thead>
                  <tr>
                    <th scope="col">Where</th>
                    <th scope="col">Items</th>
                    <th scope="col">What will happen</th>
                  </tr>
                </thead>
                <tbody>
                  {step.preview.locations.map((l) => (
                    <tr key={`${l.kind}:${l.name}`}>
                      <td>{l.name}</td>
                      <td>{l.items}</td>
                      <td className="muted">{l.plan}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="row end">
                <Dialog.Close className="button ghost">Cancel</Dialog.Close>
                <button type="button" className="button danger" disabled={step.preview.itemIds.length === 0} onClick={() => void erase(step.preview)}>
                  <Trash2 size={15} aria-hidden="true" /> Erase everywhere
                </button>
              </div>
            </>
          ) : null}
          {step.kind === 'erasing' ? (
            <ul className="job-list" id="erase-help">
              <JobRow job={job ?? step.job} />
            </ul>
          ) : null}
          {step.kind === 'done' ? (
            <>
              <ReceiptView receipt={step.receipt} />
              <div className="row end">
                <Dialog.Close className="button primary">Done</Dialog.Close>
              </div>
            </>
          ) : null}
          {step.kind === 'error' ? (
            <>
              <p className="error-text" role="alert" id="erase-help">
                {step.message}
              </p>
              <div className="row end">
                <Dialog.Close className="button">Close</Dialog.Close>
              </div>
            </>
          ) : null}
          <ReverifyDialog sensitive={sensitive} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
