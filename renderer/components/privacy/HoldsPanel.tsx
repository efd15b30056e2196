// Legal holds: categories or items that must not be erased until released (the policy's
// "legal purposes"). Erasure and retention skip them and say so; restores are not blocked.
import { useState, type FormEvent } from 'react';
import { Category, categoryLabels } from '../../../common/domain';
import { api, ApiError } from '../../api/client';
import { useQuery } from '../../api/hooks';
import { relativeTime } from '../../format-time';

export function HoldsPanel() {
  const holds = useQuery('holds.list', {});
  const [category, setCategory] = useState<Category>('message');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');

  async function add(e: FormEvent): Promise<void> {
    e.preventDefault();
    try {
      await api.call('holds.add', { category, reason });
      setReason('');
      setError('');
      holds.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }

  async function release(id: number): Promise<void> {
    await api.call('holds.release', { id });
    holds.reload();
  }

  return (
    <section className="card stack" aria-labelledby="holds-title">
      <h2 id="holds-title">Legal holds</h2>
      <p className="muted">Items under a legal hold cannot be erased — by you, by a retention rule or by a guardian — until the hold is released.</p>
      {holds.data?.length ? (
        <ul className="plain-list divided" data-testid="holds">
          {holds.data.map((h) => (
            <li key={h.id} className="row spread">
              <span>
                <strong>{h.category ? `All ${categoryLabels[h.category].toLowerCase()}` : 'One item'}</strong> — {h.reason} <span className="muted">({relativeTime(h.createdAt)})</span>
              </span>
              <button type="button" className="button small" onClick={() => void release(h.id)}>
                Release
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="row wrap" onSubmit={(e) => void add(e)}>
        <label className="field">
          <span>Hold a category</span>
          <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
            {Category.options.map((c) => (
              <option key={c} value={c}>
                {categoryLabels[c]}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Reason</span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. court order, tax records" maxLength={300} />
        </label>
        <button type="submit" className="button align-end" disabled={!reason.trim()}>
          Add hold
        </button>
      </form>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
