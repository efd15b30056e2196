// Add a cloud target: a form per kind (S3-compatible, WebDAV, folder), a live conformance
// check in plain words, then add. Secrets go in here and never come back out.
import * as Dialog from '@radix-ui/react-dialog';
import { useState, type FormEvent } from 'react';
import type { ConformanceReport } from '../../../common/contract/cloud';
import { api, ApiError } from '../../api/client';
import { ConformanceList } from './ConformanceList';
import { TargetFields, toRequest, useTargetForm } from './target-form';

export function AddTargetDialog({ open, onOpenChange, onAdded }: { open: boolean; onOpenChange(o: boolean): void; onAdded(): void }) {
  const form = useTargetForm();
  const [busy, setBusy] = useState<'' | 'checking' | 'adding'>('');
  const [report, setReport] = useState<ConformanceReport | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [error, setError] = useState('');

  async function check(): Promise<void> {
    setBusy('checking');
    setError('');
    try {
      const r = await api.call('cloud.checkTarget', toRequest(form.value));
      setReport(r.conformance);
      setWarning(r.warning);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy('');
    }
  }

  async function add(e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy('adding');
    setError('');
    try {
      const r = await api.call('cloud.addTarget', toRequest(form.value));
      setReport(r.conformance);
      form.reset();
      onAdded();
      onOpenChange(false);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy('');
    }
  }

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog" aria-describedby="add-target-help">
          <form className="stack" onSubmit={(e) => void add(e)}>
            <Dialog.Title>Add a cloud target</Dialog.Title>
            <p id="add-target-help" className="muted">
              Keepsake uploads only encrypted data: the provider cannot read your items, their names or how many there are.
            </p>
            <TargetFields form={form} />
            {report ? <ConformanceList report={report} /> : null}
            {warning ? <p className="notice error">{warning}</p> : null}
            {error ? (
              <p className="error-text" role="alert">
                {error}
              </p>
            ) : null}
            <div className="row end">
              <Dialog.Close className="button ghost" type="button">
                Cancel
              </Dialog.Close>
              <button type="button" className="button" disabled={busy !== ''} onClick={() => void check()}>
                {busy === 'checking' ? 'Checking…' : 'Check'}
              </button>
              <button type="submit" className="button primary" disabled={busy !== ''}>
                {busy === 'adding' ? 'Checking and adding…' : 'Add target'}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
