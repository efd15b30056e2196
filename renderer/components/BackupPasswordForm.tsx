// Shown under an import report when an encrypted Android backup was refused for want of
// its password (the report marks such files `needsPassword`): type it, and the dialog
// imports those files again with it. The password goes to intake.start only, never stored.
import { KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { ImportReport } from '../../common/contract/intake';
import { displayPath } from './ImportReportView';

export function BackupPasswordForm({ report, onRetry }: { report: ImportReport; onRetry(paths: string[], password: string): void }) {
  const [password, setPassword] = useState('');
  const locked = report.files.filter((f) => f.needsPassword);
  if (!locked.length) return null;
  const wrong = locked.some((f) => /wrong/i.test(f.reason ?? ''));

  function submit(e: FormEvent): void {
    e.preventDefault();
    if (password) onRetry(locked.map((f) => f.path), password);
  }

  return (
    <form className="stack backup-password" onSubmit={submit} data-testid="backup-password">
      <p>
        <KeyRound size={15} aria-hidden="true" /> {locked.length === 1 ? `${displayPath(locked[0]!.path)} is an encrypted Android backup.` : `${locked.length} backups are encrypted.`}{' '}
        {wrong ? 'That password was not right; try again.' : 'Type the password that was entered on the phone when the backup was made.'}
      </p>
      <label className="field">
        <span>Backup password</span>
        <input type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
      </label>
      <div className="row end">
        <button type="submit" className="button primary" disabled={!password}>
          Import with this password
        </button>
      </div>
    </form>
  );
}
