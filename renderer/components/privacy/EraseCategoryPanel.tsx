// Erase a whole category, or only what is older than some days (the retention shape),
// through the same preview → confirm → receipt flow as single items.
import { useState } from 'react';
import type { Selection } from '../../../common/contract/erasure';
import { Category, categoryLabels } from '../../../common/domain';
import { EraseDialog } from './EraseDialog';

export function EraseCategoryPanel({ onErased }: { onErased(): void }) {
  const [category, setCategory] = useState<Category>('screenshot');
  const [days, setDays] = useState('');
  const [open, setOpen] = useState(false);
  const n = Number(days);
  const selection: Selection = days && Number.isInteger(n) && n > 0 ? { category, olderThanDays: n } : { category };
  const label = 'olderThanDays' in selection ? `${categoryLabels[category].toLowerCase()} older than ${n} days` : `all ${categoryLabels[category].toLowerCase()}`;
  return (
    <section className="card stack" aria-labelledby="erase-cat-title">
      <h2 id="erase-cat-title">Erase by category</h2>
      <p className="muted">Erase everything of one kind — or only what is older than a number of days — from every place Keepsake keeps it. You see every copy before anything happens.</p>
      <div className="row wrap">
        <label className="field">
          <span>Category</span>
          <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
            {Category.options.map((c) => (
              <option key={c} value={c}>
                {categoryLabels[c]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Older than (days, optional)</span>
          <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value.replace(/\D/g, ''))} placeholder="e.g. 30" />
        </label>
        <button type="button" className="button danger align-end" onClick={() => setOpen(true)}>
          Preview erase…
        </button>
      </div>
      {open ? <EraseDialog selection={selection} label={label} open={open} onOpenChange={setOpen} onErased={onErased} /> : null}
    </section>
  );
}
