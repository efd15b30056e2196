// Unlock: passphrase, or the recovery key from the Emergency Kit.
import { useState, type FormEvent } from 'react';
import { Lock } from 'lucide-react';
import { api, ApiError } from '../api/client';

export function UnlockScreen({ onDone }: { onDone(): void }) {
  const [mode, setMode] = useState<'passphrase' | 'recovery'>('passphrase');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  async function unlock(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!secret || busy) return;
    setBusy(true);
    setError('');
    try {
      await api.call('vault.unlock', mode === 'passphrase' ? { passphrase: secret } : { recoveryKey: secret });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <main className="center-page">
      <form className="card narrow" onSubmit={(e) => void unlock(e)} aria-labelledby="unlock-title">
        <Lock size={32} strokeWidth={1.4} aria-hidden="true" className="accent" />
        <h1 id="unlock-title">Keepsake is locked</h1>
        <label className="field">
          <span>{mode === 'passphrase' ? 'Passphrase' : 'Recovery key'}</span>
          <input
            type={mode === 'passphrase' ? 'password' : 'text'}
            autoComplete={mode === 'passphrase' ? 'current-password' : 'off'}
            spellCheck={false}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            autoFocus
          />
        </label>
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary wide" disabled={!secret || busy}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        <button
          type="button"
          className="button link"
          onClick={() => {
            setMode(mode === 'passphrase' ? 'recovery' : 'passphrase');
            setSecret('');
            setError('');
          }}
        >
          {mode === 'passphrase' ? 'Forgot your passphrase? Use your recovery key' : 'Use your passphrase instead'}
        </button>
      </form>
    </main>
  );
}
