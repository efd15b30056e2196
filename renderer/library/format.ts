// Human sizes and dates for the browse screens ("3.2 GB", "14 Jun 2024, 09:30").
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

// One formatter each, made once: toLocaleString(…, options) builds a new Intl formatter on
// every call, which the photo grid would pay for every cell that scrolls into view.
const DATE_TIME = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const DATE_ONLY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const TIME_ONLY = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function formatDate(ms: number | null, withTime = true): string {
  if (ms === null) return 'No date';
  return (withTime ? DATE_TIME : DATE_ONLY).format(ms);
}

export function formatTime(ms: number | null): string {
  return ms === null ? '' : TIME_ONLY.format(ms);
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${seconds % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatNumber(n: number): string {
  return n.toLocaleString();
}

/** Splits a search snippet at its \u0002…\u0003 markers: odd parts are the matched words. */
export function snippetParts(s: string): string[] {
  return s.replaceAll('\u0003', '\u0002').split('\u0002');
}
