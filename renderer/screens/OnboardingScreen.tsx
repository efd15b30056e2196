// First run: create the vault with a passphrase (strength meter). The app then shows the
// Emergency Kit with the recovery key, which must be confirmed as kept before continuing.
import { useState, type FormEvent } from 'react';
import { ShieldCheck } from 'lucide-react';
import { api, ApiError } from '../api/client';
import { MIN_SCORE, passphraseStrength } from '../passphrase-strength';

export function OnboardingScreen({ onCreated, onRestore }: { onCreated(recoveryKey: string): void; onRestore(): void }) {
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const strength = passphraseStrength(passphrase);
  const mismatch = confirm.length > 0 && confirm !== passphrase;
  const canCreate = strength.score >= MIN_SCORE && confirm === passphrase && !busy;

  async function create(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!canCreate) return;
    setBusy(true);
    setError('');
    try {
      const { recoveryKey } = await api.call('vault.create', { passphrase });
      onCreated(recoveryKey);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="center-page">
      <form className="card narrow" onSubmit={(e) => void create(e)} aria-labelledby="onboarding-title">
        <ShieldCheck size={36} strokeWidth={1.4} aria-hidden="true" className="accent" />
        <h1 id="onboarding-title">Create your vault</h1>
        <p className="muted">
          Everything Keepsake stores is encrypted with a key that only your passphrase (or your recovery key) can open. Nobody else — not us, not your cloud provider — can read it.
        </p>
        <input type="text" autoComplete="username" value="Keepsake vault" readOnly hidden />
        <label className="field">
          <span>Passphrase</span>
          <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} aria-describedby="strength-hint" autoFocus />
        </label>
        <div className={`strength s${strength.score}`} aria-hidden="true">
          <span />
          <span />
          <span />
          <span />
        </div>
        <p id="strength-hint" className="hint">
          <strong>{strength.label}.</strong> {strength.hint}
        </p>
        <label className="field">
          <span>Type it again</span>
          <input type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={mismatch} />
        </label>
        {mismatch ? <p className="error-text">The two passphrases are different.</p> : null}
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary wide" disabled={!canCreate}>
          {busy ? 'Creating the vault…' : 'Create vault'}
        </button>
        <button type="button" className="button link" onClick={onRestore}>
          Already have a vault in the cloud? Restore it on this computer
        </button>
      </form>
    </main>
  );
}
