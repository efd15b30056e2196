// The one editing form for contacts and notes (and anything else items.update corrects):
// the fields a screen passes as children, a plain-words error, Cancel and "Save as new
// version". Saving stores a new version; the previous one stays in the vault's history.
import { useState, type ReactNode } from 'react';
import type { Input } from '../../common/contract';
import { api, ApiError } from '../api/client';

type Changes = Omit<Input<'items.update'>, 'id'>;

interface Props {
  id: string;
  /** Names the form for assistive technology ("Edit Ada Lovelace"). */
  label: string;
  className?: string;
  /** Reads the fields at submit time. */
  changes(): Changes;
  onSaved(): void;
  onCancel(): void;
  children: ReactNode;
}

export function EditVersionForm({ id, label, className, changes, onSaved, onCancel, children }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    try {
      await api.call('items.update', { id, ...changes() });
      setError(null);
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <form
      className={className ? `stack ${className}` : 'stack'}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {children}
      {error ? <p className="notice error">{error}</p> : null}
      <div className="row end">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={saving}>
          Save as new version
        </button>
      </div>
    </form>
  );
}
