// React hooks over the client: load a contract method's result, and follow an event.
import { useCallback, useEffect, useState } from 'react';
import type { EventName, EventPayload, Input, MethodName, Output } from '../../common/contract';
import { api, ApiError } from './client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True until the answer for the current input has arrived. */
  loading: boolean;
  reload(): void;
}

interface Answer<T> {
  key: string;
  data: T | undefined;
  error: ApiError | undefined;
}

export function useQuery<M extends MethodName>(method: M, input: Input<M>): Loaded<Output<M>> {
  const [tick, setTick] = useState(0);
  const key = `${method}:${JSON.stringify(input)}:${tick}`;
  const [answer, setAnswer] = useState<Answer<Output<M>>>({ key: '', data: undefined, error: undefined });
  useEffect(() => {
    let live = true;
    api.call(method, input).then(
      (data) => live && setAnswer({ key, data, error: undefined }),
      (e: unknown) => live && setAnswer((prev) => ({ key, data: prev.data, error: e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)) })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` already encodes method, input and reload ticks
  }, [key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // Keep showing the previous data while the next answer loads (no flash of emptiness).
  return { data: answer.data, error: answer.key === key ? answer.error : undefined, loading: answer.key !== key, reload };
}

export function useEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): void {
  useEffect(() => api.on(name, listener), [name, listener]);
}
