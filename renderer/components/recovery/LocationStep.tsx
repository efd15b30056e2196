// The location step of the recovery wizard: share precise / approximate (~1 km) / no
// location, for this recovery only, until a chosen time. The words are the consent notice.
import { currentNotice } from '../../../common/notices';
import type { LocationChoice } from '../../../common/contract/recovery';

const OPTIONS: Array<{ value: LocationChoice['precision']; label: string; hint: string }> = [
  { value: 'none', label: 'Share no location', hint: 'Photos go without GPS; events and notes without coordinates.' },
  { value: 'approximate', label: 'Share approximate location', hint: 'Rounded to about 1 km. Formats that cannot hold a rounded value lose it.' },
  { value: 'precise', label: 'Share precise location', hint: 'Exactly as it is in your vault.' },
];

const DURATIONS = [15, 60, 240, 1440];

export function LocationStep({ value, onChange }: { value: LocationChoice; onChange(v: LocationChoice): void }) {
  return (
    <fieldset className="stack" data-testid="recovery-location">
      <legend>
        <strong>Location</strong>
      </legend>
      <p className="muted">{currentNotice('location').text}</p>
      {OPTIONS.map((o) => (
        <label key={o.value} className="field inline">
          <input type="radio" name="location" value={o.value} checked={value.precision === o.value} onChange={() => onChange({ ...value, precision: o.value })} />
          <span>
            {o.label} <span className="muted">— {o.hint}</span>
          </span>
        </label>
      ))}
      <label className="field">
        <span>Sharing ends after</span>
        <select value={value.expiresInMinutes} onChange={(e) => onChange({ ...value, expiresInMinutes: Number(e.target.value) })} aria-label="Location sharing ends after">
          {DURATIONS.map((m) => (
            <option key={m} value={m}>
              {m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : m < 1440 ? `${m / 60} hours` : '1 day'}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
