// Settings → Security: how the vault can be opened, change the passphrase, make a new
// recovery key (the old kit stops working), test the Emergency Kit, "remember on this
// computer", and auto-lock. Key changes ask for the passphrase first (ReverifyDialog).
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import { useQuery } from '../api/hooks';
import { useSensitive } from '../api/use-sensitive';
import { MIN_SCORE, passphraseStrength } from '../passphrase-strength';
import { QrCode } from './QrCode';
import { ReverifyDialog } from './ReverifyDialog';

const SLOT_NAMES = { passphrase: 'Passphrase', recovery: 'Recovery key (Emergency Kit)', keychain: "This computer's keychain" } as const;
const LOCK_CHOICES = [5, 15, 30, 60, 0];

function message(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

export function SecuritySettings() {
  const slots = useQuery('security.slots', {});
  const settings = useQuery('settings.get', {});
  const sensitive = useSensitive();
  const [notice, setNotice] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [pass, setPass] = useState({ next: '', again: '' });
  const [drill, setDrill] = useState('');
  const strength = passphraseStrength(pass.next);
  const keychain = slots.data?.slots.some((s) => s.kind === 'keychain') ?? false;

  const say = (text: string, tone: 'ok' | 'error' = 'ok'): void => setNotice({ text, tone });

  async function changePassphrase(e: FormEvent): Promise<void> {
    e.preventDefault();
    try {
      await sensitive.run(() => api.call('security.changePassphrase', { newPassphrase: pass.next }));
      setPass({ next: '', again: '' });
      say('Your passphrase was changed. The old one no longer opens the vault.');
      slots.reload();
    } catch (err) {
      say(message(err), 'error');
    }
  }

  async function rotate(): Promise<void> {
    try {
      const r = await sensitive.run(() => api.call('security.rotateRecoveryKey', {}));
      setNewKey(r.recoveryKey);
      say('A new recovery key was made. Your old Emergency Kit no longer works: keep this one instead.');
      slots.reload();
    } catch (err) {
      say(message(err), 'error');
    }
  }

  async function runDrill(e: FormEvent): Promise<void> {
    e.preventDefault();
    try {
      await api.call('security.drillRecoveryKey', { recoveryKey: drill });
      setDrill('');
      say('Your Emergency Kit works: that recovery key opens this vault.');
    } catch (err) {
      say(message(err), 'error');
    }
  }

  async function toggleKeychain(enabled: boolean): Promise<void> {
    try {
      await sensitive.run(() => api.call('security.setKeychain', { enabled }));
      say(enabled ? 'This computer will now unlock Keepsake with its keychain.' : 'This computer no longer remembers how to unlock Keepsake.');
      slots.reload();
    } catch (err) {
      say(message(err), 'error');
    }
  }

  async function setAutoLock(minutes: number): Promise<void> {
    await api.call('settings.update', { autoLockMinutes: minutes });
    settings.reload();
  }

  return (
    <div className="card stack" aria-labelledby="security-title">
      <h2 id="security-title">Security</h2>
      {notice ? (
        <p className={notice.tone === 'ok' ? 'notice ok' : 'notice error'} role={notice.tone === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      ) : null}

      <section className="settings-block">
        <h3>Ways to open this vault</h3>
        {slots.data ? (
          <ul className="plain-list" data-testid="key-slots">
            {slots.data.slots.map((s) => (
              <li key={s.id}>
                <strong>{SLOT_NAMES[s.kind]}</strong>{' '}
                <span className="muted">
                  since {new Date(s.createdAt).toLocaleDateString()}
                  {s.argon2 ? ` · Argon2id, ${Math.round(s.argon2.memoryKiB / 1024)} MiB, ${s.argon2.timeCost} passes` : ''}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{slots.error?.message ?? 'Loading…'}</p>
        )}
      </section>

      <section className="settings-block">
        <h3>Change passphrase</h3>
        <form className="stack" onSubmit={(e) => void changePassphrase(e)}>
          <input type="text" autoComplete="username" value="Keepsake vault" readOnly hidden />
          <label className="field">
            <span>New passphrase</span>
            <input type="password" autoComplete="new-password" value={pass.next} onChange={(e) => setPass({ ...pass, next: e.target.value })} />
          </label>
          {pass.next ? (
            <p className="hint">
              <strong>{strength.label}.</strong> {strength.hint}
            </p>
          ) : null}
          <label className="field">
            <span>Type it again</span>
            <input type="password" autoComplete="new-password" value={pass.again} onChange={(e) => setPass({ ...pass, again: e.target.value })} />
          </label>
          <div>
            <button type="submit" className="button" disabled={strength.score < MIN_SCORE || pass.next !== pass.again}>
              Change passphrase
            </button>
          </div>
        </form>
      </section>

      <section className="settings-block">
        <h3>Emergency Kit</h3>
        <p className="muted">Your recovery key opens the vault if you forget your passphrase and rebuilds it on a new computer. Test it now and then.</p>
        <form className="row" onSubmit={(e) => void runDrill(e)}>
          <label className="field grow">
            <span>Test your recovery key</span>
            <input type="text" spellCheck={false} autoComplete="off" value={drill} onChange={(e) => setDrill(e.target.value)} placeholder="XXXX-XXXX-…" />
          </label>
          <button type="submit" className="button align-end" disabled={drill.length < 10}>
            Test
          </button>
        </form>
        <div>
          <button type="button" className="button" onClick={() => void rotate()}>
            Make a new recovery key…
          </button>
        </div>
        {newKey ? (
          <div className="kit-key">
            <QrCode text={newKey} label="QR code of the new recovery key" />
            <div className="stack grow">
              <p className="recovery-key" data-testid="new-recovery-key">
                {newKey}
              </p>
              <div className="row">
                <button type="button" className="button" onClick={() => window.print()}>
                  Print
                </button>
                <button type="button" className="button ghost" onClick={() => setNewKey(null)}>
                  I have kept it
                </button>
              </div>
            </div>
          </div>
        ) : null}
      </section>

      <section className="settings-block">
        <h3>Remember on this computer</h3>
        {slots.data?.keychainAvailable ? (
          <label className="check">
            <input type="checkbox" checked={keychain} onChange={(e) => void toggleKeychain(e.target.checked)} />
            <span>Unlock with this computer&apos;s keychain instead of typing the passphrase.</span>
          </label>
        ) : (
          <p className="muted">This computer has no trustworthy keychain available to Keepsake here, so your passphrase is always needed. Keepsake never stores it in plain text instead.</p>
        )}
      </section>

      <section className="settings-block">
        <h3>Lock automatically</h3>
        <label className="field inline">
          <span>Lock after</span>
          <select value={settings.data?.autoLockMinutes ?? 15} onChange={(e) => void setAutoLock(Number(e.target.value))}>
            {LOCK_CHOICES.map((m) => (
              <option key={m} value={m}>
                {m === 0 ? 'Never' : `${m} minutes without activity`}
              </option>
            ))}
          </select>
        </label>
      </section>
      <ReverifyDialog sensitive={sensitive} />
    </div>
  );
}
