// The per-target health line in plain words, as the targets list and `keepsake target
// list` show it: when it last synced, how much went up, how many objects, any errors.
import type { TargetHealth } from './mirror/cloud-store';

export function healthLine(h: TargetHealth, now: number): string {
  const parts: string[] = [];
  parts.push(h.lastSuccessAt ? `Last synced ${ago(now - h.lastSuccessAt)}` : 'Never synced');
  parts.push(`${bytes(h.bytesUp)} up`);
  parts.push(`${h.objects} object${h.objects === 1 ? '' : 's'}`);
  parts.push(h.errors === 0 ? 'no errors' : `${h.errors} error${h.errors === 1 ? '' : 's'}`);
  let line = parts.join(' · ');
  if (h.lastError && (h.lastAttemptAt ?? 0) > (h.lastSuccessAt ?? 0)) line += `. Last attempt failed: ${h.lastError}`;
  return line;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'} ago`;
  const d = Math.round(h / 24);
  return `${d} days ago`;
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
