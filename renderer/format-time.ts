// Dates as people say them: "Just now", "Yesterday, 14:02", "3 Mar 2024".
export function relativeTime(ms: number, now = Date.now()): string {
  const diff = now - ms;
  const d = new Date(ms);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (diff < 60_000 && diff > -60_000) return 'Just now';
  const today = new Date(now);
  const startOfToday = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
  if (ms >= startOfToday) return `Today, ${time}`;
  if (ms >= startOfToday - 86_400_000) return `Yesterday, ${time}`;
  const sameYear = d.getFullYear() === today.getFullYear();
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
}
