// An accessible progress bar; indeterminate when the total is not known yet.
interface Props {
  value: number;
  max: number | null;
  label: string;
}

export function ProgressBar({ value, max, label }: Props) {
  const pct = max && max > 0 ? Math.min(100, (value / max) * 100) : null;
  return (
    <div
      className={pct === null ? 'progress indeterminate' : 'progress'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max ?? undefined}
      aria-valuenow={max ? value : undefined}
    >
      <div className="progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
