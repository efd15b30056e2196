// "Confirm it's you": asks for the passphrase before a sensitive action. Wrong answers back
// off (core says how long); the dialog shows core's plain message.
import * as Dialog from '@radix-ui/react-dialog';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { Sensitive } from '../api/use-sensitive';

export function ReverifyDialog({ sensitive }: { sensitive: Sensitive }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const prompt = sensitive.prompt;

  async function confirm(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!prompt || !passphrase) return;
    setBusy(true);
    try {
      await api.call('security.verifyIdentity', { passphrase });
      setPassphrase('');
      setError('');
      prompt.resolve(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog.Root
      open={prompt !== null}
      onOpenChange={(open) => {
        if (!open) {
          setPassphrase('');
          setError('');
          prompt?.resolve(false);
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog narrow-dialog" aria-describedby="reverify-help">
          <form onSubmit={(e) => void confirm(e)} className="stack">
            <Dialog.Title>Confirm it&apos;s you</Dialog.Title>
            <p id="reverify-help" className="muted">
              Type your passphrase to continue. You won&apos;t be asked again for a few minutes.
            </p>
            <input type="text" autoComplete="username" value="Keepsake vault" readOnly hidden />
            <label className="field">
              <span>Passphrase</span>
              <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoFocus />
            </label>
            {error ? (
              <p className="error-text" role="alert">
                {error}
              </p>
            ) : null}
            <div className="row end">
              <Dialog.Close className="button ghost" type="button">
                Cancel
              </Dialog.Close>
              <button type="submit" className="button primary" disabled={!passphrase || busy}>
                {busy ? 'Checking…' : 'Confirm'}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
