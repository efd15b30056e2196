// Formatting shared by the UI and the CLI: sizes, counts and durations as people read them.

/** "3.2 GB", "812 KB", "0 B" (decimal units, as file managers show them). */
export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "1,204" */
export function humanCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "about 3 minutes", "12 seconds" */
export function humanDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} second${Math.round(seconds) === 1 ? '' : 's'}`;
  const m = Math.round(seconds / 60);
  if (m < 60) return `about ${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.round(m / 60);
  return `about ${h} hour${h === 1 ? '' : 's'}`;
}

/** "1 photo", "3 photos", "1 email" — a count with its category label, lower-case. */
export function countOf(label: string, n: number): string {
  const l = label.toLowerCase();
  return `${humanCount(n)} ${n === 1 && l.endsWith('s') ? l.slice(0, -1) : l}`;
}
