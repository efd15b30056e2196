// In-page notifications when a long job finishes or fails. The desktop app shows native
// notifications instead, so toasts appear only in the browser (web host).
import { useEffect, useState } from 'react';
import { api } from '../api/client';

interface Toast {
  id: string;
  text: string;
  tone: 'ok' | 'error';
}

const SHOW_MS = 6000;

export function Toasts({ enabled }: { enabled: boolean }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    if (!enabled) return;
    return api.on('job.progressed', (job) => {
      if (!job.finishedAt || job.state === 'cancelled') return;
      const toast: Toast =
        job.state === 'failed'
          ? { id: job.id, text: `${job.title} failed: ${job.error?.message ?? 'unknown error'}`, tone: 'error' }
          : { id: job.id, text: `${job.title}: ${job.summary ?? 'done'}`, tone: 'ok' };
      setToasts((t) => [...t.filter((x) => x.id !== toast.id), toast]);
      setTimeout(() => setToasts((t) => t.filter((x) => x.id !== toast.id)), SHOW_MS);
    });
  }, [enabled]);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.tone}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
