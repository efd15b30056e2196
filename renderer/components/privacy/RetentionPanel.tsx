// Retention rules: "erase screenshots older than 30 days". Adding one shows how many items
// it would erase today; it only runs once turned on (after confirming the passphrase),
// then daily, each run with a receipt.
import { useState, type FormEvent } from 'react';
import { Category, categoryLabels } from '../../../common/domain';
import { humanCount } from '../../../common/format';
import { api, ApiError } from '../../api/client';
import { useQuery } from '../../api/hooks';
import { useSensitive } from '../../api/use-sensitive';
import { relativeTime } from '../../format-time';
import { ReverifyDialog } from '../ReverifyDialog';

export function RetentionPanel() {
  const rules = useQuery('retention.list', {});
  const sensitive = useSensitive();
  const [category, setCategory] = useState<Category>('screenshot');
  const [days, setDays] = useState('30');
  const [message, setMessage] = useState('');

  const fail = (e: unknown): void => setMessage(e instanceof ApiError ? e.message : String(e));

  async function add(e: FormEvent): Promise<void> {
    e.preventDefault();
    try {
      const r = await api.call('retention.add', { category, olderThanDays: Number(days) });
      setMessage(`Added, switched off. Today it would erase ${humanCount(r.wouldErase)} item${r.wouldErase === 1 ? '' : 's'}. Turn it on when you are sure.`);
      rules.reload();
    } catch (err) {
      fail(err);
    }
  }

  async function toggle(id: number, enabled: boolean): Promise<void> {
    try {
      await sensitive.run(() => api.call('retention.setEnabled', { id, enabled }));
      rules.reload();
    } catch (err) {
      fail(err);
    }
  }

  async function runNow(id: number): Promise<void> {
    try {
      const job = await sensitive.run(() => api.call('retention.run', { id }));
      setMessage(job ? 'Running now: see Activity for progress; the receipt appears above when it is done.' : 'Nothing is past its retention right now.');
    } catch (err) {
      fail(err);
    }
  }

  async function remove(id: number): Promise<void> {
    await api.call('retention.remove', { id });
    rules.reload();
  }

  return (
    <section className="card stack" aria-labelledby="retention-title">
      <h2 id="retention-title">Retention rules</h2>
      <p className="muted">Erase things automatically once they are old enough — for example screenshots after 30 days. Rules run daily while Keepsake is unlocked; each run leaves a receipt.</p>
      {message ? <p role="status">{message}</p> : null}
      {rules.data?.length ? (
        <ul className="plain-list divided" data-testid="retention-rules">
          {rules.data.map((r) => (
            <li key={r.id} className="row spread wrap">
              <span>
                <strong>
                  {categoryLabels[r.category]} older than {r.olderThanDays} days
                </strong>{' '}
                <span className="muted">
                  · {r.enabled ? 'On' : 'Off'} · would erase {humanCount(r.wouldErase)} now{r.lastRunAt ? ` · last run ${relativeTime(r.lastRunAt)}` : ''}
                </span>
              </span>
              <span className="row">
                <button type="button" className="button small" onClick={() => void toggle(r.id, !r.enabled)}>
                  {r.enabled ? 'Turn off' : 'Turn on'}
                </button>
                <button type="button" className="button small" disabled={!r.enabled} onClick={() => void runNow(r.id)}>
                  Run now
                </button>
                <button type="button" className="button small ghost" onClick={() => void remove(r.id)}>
                  Delete
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="row wrap" onSubmit={(e) => void add(e)}>
        <label className="field">
          <span>Erase</span>
          <select value={category} onChange={(e) => setCategory(e.target.value as Category)} aria-label="Rule category">
            {Category.options.map((c) => (
              <option key={c} value={c}>
                {categoryLabels[c]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>older than (days)</span>
          <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value.replace(/\D/g, ''))} aria-label="Rule age in days" />
        </label>
        <button type="submit" className="button align-end" disabled={!Number(days)}>
          Add rule
        </button>
      </form>
      <ReverifyDialog sensitive={sensitive} />
    </section>
  );
}
