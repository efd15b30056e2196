// Builds the object the preload exposes to the page as `window.keepsake`: exactly
// `invoke(method, input)` and `subscribe(listener)`. No ipcRenderer, no `.on` pass-through,
// and the IPC event object is stripped before a listener runs, so the page never holds an
// Electron object (audit items 17 and 20). Pure: takes the ipcRenderer it wraps, so a test
// can hand it a double.
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels';

/** The slice of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface ContractEventMessage {
  name: string;
  payload: unknown;
}

export interface KeepsakeBridge {
  invoke(method: string, input?: unknown): Promise<unknown>;
  subscribe(listener: (event: ContractEventMessage) => void): () => void;
}

export function createBridge(ipc: IpcRendererLike): KeepsakeBridge {
  return Object.freeze({
    invoke(method: string, input?: unknown): Promise<unknown> {
      // The host checks everything again; this only keeps obviously wrong calls off the wire.
      if (typeof method !== 'string') return Promise.reject(new TypeError('keepsake.invoke: method must be a string'));
      return ipc.invoke(INVOKE_CHANNEL, method, input ?? {});
    },
    subscribe(listener: (event: ContractEventMessage) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('keepsake.subscribe: listener must be a function');
      const wrapped = (_event: unknown, message: unknown): void => {
        if (isEventMessage(message)) listener({ name: message.name, payload: message.payload });
      };
      ipc.on(EVENT_CHANNEL, wrapped);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        ipc.removeListener(EVENT_CHANNEL, wrapped);
      };
    },
  });
}

function isEventMessage(value: unknown): value is ContractEventMessage {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string' && 'payload' in value;
}
