// How the UI reaches core. In the desktop app the preload exposes `window.keepsake`
// (invoke + subscribe over IPC). In a browser, the web host serves the same contract over
// POST /rpc/<method> and a Server-Sent Events stream read with fetch (so the token goes
// in a header, never in a URL). Both present the same Transport.
import type { Result } from '../../common/contract';

export interface ContractEvent {
  name: string;
  payload: unknown;
}

export interface Transport {
  kind: 'ipc' | 'web';
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: ContractEvent) => void): () => void;
  /** The URL a media id streams from (vault://media/<id> or /media/<id>). */
  mediaUrl(id: string): string;
}

interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: ContractEvent) => void): () => void;
}

declare global {
  interface Window {
    keepsake?: PreloadBridge;
  }
}

export function createTransport(): Transport {
  const bridge = window.keepsake;
  if (bridge) {
    return {
      kind: 'ipc',
      invoke: (m, i) => bridge.invoke(m, i),
      subscribe: (l) => bridge.subscribe(l),
      mediaUrl: (id) => `vault://media/${encodeURIComponent(id)}`,
    };
  }
  return createWebTransport(takeToken());
}

const TOKEN_KEY = 'keepsake.token';

/** The web host's per-launch token for this tab (empty in the desktop app). */
export function webToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Reads the token from the URL fragment once, keeps it for this tab, and clears the URL. */
function takeToken(): string {
  const match = /token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function createWebTransport(token: string): Transport {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  // Media elements cannot send headers: trade the token for an HttpOnly cookie scoped to /media.
  void fetch('/session', { method: 'POST', headers }).catch(() => undefined);
  const listeners = new Set<(e: ContractEvent) => void>();
  let streaming = false;

  async function stream(): Promise<void> {
    streaming = true;
    for (let attempt = 0; listeners.size > 0; attempt++) {
      try {
        const res = await fetch('/events', { headers: { Authorization: headers.Authorization } });
        if (!res.ok || !res.body) throw new Error(`events ${res.status}`);
        attempt = 0;
        await readEvents(res.body, (e) => listeners.forEach((l) => l(e)));
      } catch {
        // The server restarted or the network blinked: retry with a capped backoff.
      }
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
    }
    streaming = false;
  }

  return {
    kind: 'web',
    async invoke(method, input) {
      try {
        const res = await fetch(`/rpc/${encodeURIComponent(method)}`, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
        return (await res.json()) as Result<unknown>;
      } catch {
        return { ok: false, error: { code: 'NETWORK', message: 'Keepsake is not answering. Is "keepsake serve" still running?' } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!streaming) void stream();
      return () => listeners.delete(listener);
    },
    mediaUrl: (id) => `/media/${encodeURIComponent(id)}`,
  };
}

async function readEvents(body: ReadableStream<Uint8Array>, emit: (e: ContractEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = '';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (name && data) {
        try {
          emit({ name, payload: JSON.parse(data) as unknown });
        } catch {
          // A malformed event is dropped, never fatal.
        }
      }
    }
  }
}
