// Sensitive actions (erase, export, recovery, key changes) need a fresh confirmation of
// the passphrase. `run(action)` tries the action; when core answers REVERIFY it opens the
// confirmation prompt and, once confirmed, runs the action again.
import { useCallback, useRef, useState } from 'react';
import { ApiError } from './client';

export interface Sensitive {
  /** Runs the action, asking for the passphrase first if core wants it. */
  run<T>(action: () => Promise<T>): Promise<T>;
  /** Non-null while the prompt is open. */
  prompt: { resolve(confirmed: boolean): void } | null;
}

export function useSensitive(): Sensitive {
  const [prompt, setPrompt] = useState<Sensitive['prompt']>(null);
  const busy = useRef(false);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'REVERIFY' || busy.current) throw e;
      busy.current = true;
      const confirmed = await new Promise<boolean>((resolve) => setPrompt({ resolve }));
      busy.current = false;
      setPrompt(null);
      if (!confirmed) throw new ApiError('CANCELLED', 'Cancelled: your passphrase was not confirmed.');
      return action();
    }
  }, []);
  return { run, prompt };
}
