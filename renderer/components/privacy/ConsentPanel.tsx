// The consent ledger: every consent given, withdrawn or needed-and-missing (drops), with
// one-click withdrawal of live ones, a tamper check, and an export.
import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import { useQuery } from '../../api/hooks';
import { relativeTime } from '../../format-time';
import { saveText } from './save-text';

const SUBJECT = { location: 'Location', 'child-data': "A child's data" } as const;
const ACTION = { granted: 'Allowed', withdrawn: 'Withdrawn', dropped: 'Refused (no live consent)' } as const;

export function ConsentPanel() {
  const records = useQuery('consent.list', {});
  const [message, setMessage] = useState('');
  const list = records.data ?? [];

  async function withdraw(id: string): Promise<void> {
    try {
      await api.call('consent.withdraw', { id });
      setMessage('Withdrawn. Sharing under that consent has stopped.');
      records.reload();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function verify(): Promise<void> {
    try {
      const v = await api.call('consent.verify', {});
      setMessage(v.ok ? `The consent ledger is intact (${v.count} record${v.count === 1 ? '' : 's'}).` : `The consent ledger was tampered with: ${v.reason}.`);
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <section className="card stack" aria-labelledby="consent-title">
      <div className="row spread">
        <h2 id="consent-title">Consent ledger</h2>
        <span className="row">
          <button type="button" className="button small" onClick={() => void verify()}>
            Verify ledger
          </button>
          <button type="button" className="button small" disabled={!list.length} onClick={() => saveText('keepsake-consent-ledger.json', JSON.stringify(list, null, 2), 'application/json')}>
            Export
          </button>
        </span>
      </div>
      {message ? <p role="status">{message}</p> : null}
      {list.length === 0 ? (
        <p className="muted">No consents yet. Keepsake asks before anything location-bearing is shared (for example during a recovery onto a new phone) and before a child&apos;s device is backed up; each answer is recorded here and can be withdrawn in one click.</p>
      ) : (
        <table className="plain-table" data-testid="consents">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">For</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...list].reverse().map((r) => (
              <tr key={r.id}>
                <td>{relativeTime(r.at)}</td>
                <td>
                  {ACTION[r.action]}: {SUBJECT[r.subject]}
                  {r.subject === 'location' && r.action === 'granted' ? ` (${r.precision})` : ''}
                </td>
                <td className="muted">
                  {r.purpose} → {r.recipient}
                </td>
                <td>{r.action !== 'granted' ? (typeof r.details.reason === 'string' ? r.details.reason : '') : r.live ? `Live${r.expiresAt ? ` until ${new Date(r.expiresAt).toLocaleString()}` : ''}` : `Ended: ${r.endedBecause ?? ''}`}</td>
                <td>
                  {r.live ? (
                    <button type="button" className="button small" onClick={() => void withdraw(r.id)}>
                      Withdraw
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
