// Cursor paging for a list method: the first page on mount (or when the input changes),
// more on demand. Keyset cursors come from the server; nothing is ever skipped or repeated.
// When the vault's items change underneath (an import, a phone sync, an erase), the pages
// already shown are fetched again in the background and swapped in whole: the list
// follows without flashing empty or losing what "More" had loaded.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Input, MethodName, Output } from '../../common/contract';
import { api, ApiError } from '../api/client';
import { useLibraryChanged } from './use-library-changed';

type PagedMethod = { [M in MethodName]: Output<M> extends { items: unknown[]; next: string | null } ? M : never }[MethodName];
type Row<M extends PagedMethod> = Output<M> extends { items: Array<infer R> } ? R : never;

export interface Pages<R> {
  items: R[];
  loading: boolean;
  error: ApiError | undefined;
  done: boolean;
  more(): void;
  reload(): void;
}

export function usePages<M extends PagedMethod>(method: M, input: Omit<Input<M>, 'cursor'>): Pages<Row<M>> {
  const key = JSON.stringify(input);
  const [state, setState] = useState<{ key: string; items: Row<M>[]; next: string | null; done: boolean; error?: ApiError }>({ key: '', items: [], next: null, done: false });
  const [tick, setTick] = useState(0);
  const busy = useRef(false);
  const load = useCallback(
    (cursor: string | null, append: boolean) => {
      if (busy.current) return;
      busy.current = true;
      const args = { ...(JSON.parse(key) as object), ...(cursor ? { cursor } : {}) } as Input<M>;
      api.call(method, args).then(
        (out) => {
          busy.current = false;
          const page = out as unknown as { items: Row<M>[]; next: string | null };
          setState((s) => ({ key, items: append && s.key === key ? [...s.items, ...page.items] : page.items, next: page.next, done: page.next === null }));
        },
        (e: unknown) => {
          busy.current = false;
          setState((s) => ({ ...s, key, error: e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)) }));
        },
      );
    },
    [method, key],
  );
  useEffect(() => {
    busy.current = false;
    load(null, false);
  }, [load, tick]);

  const shown = useRef(0);
  const shownNow = state.key === key ? state.items.length : 0;
  useEffect(() => {
    shown.current = shownNow;
  }, [shownNow]);
  const refresh = useCallback(async () => {
    if (busy.current) return; // a load in flight brings fresh rows anyway
    busy.current = true;
    try {
      const base = JSON.parse(key) as object;
      const want = Math.max(1, shown.current);
      let items: Row<M>[] = [];
      let next: string | null = null;
      do {
        const args = { ...base, ...(next ? { cursor: next } : {}) } as Input<M>;
        const page = (await api.call(method, args)) as unknown as { items: Row<M>[]; next: string | null };
        items = [...items, ...page.items];
        next = page.next;
      } while (next && items.length < want);
      setState((s) => (s.key === key ? { key, items, next, done: next === null } : s));
    } catch {
      // Keep what is on screen; the next change or a reload tries again.
    } finally {
      busy.current = false;
    }
  }, [method, key]);
  useLibraryChanged(() => void refresh());
  return {
    items: state.key === key ? state.items : [],
    loading: state.key !== key,
    error: state.error,
    done: state.done,
    more: () => {
      if (state.next) load(state.next, true);
    },
    reload: () => setTick((t) => t + 1),
  };
}
