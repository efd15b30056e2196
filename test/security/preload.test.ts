// RELIABILITY row 44 / audit item 20: the preload exposes exactly { invoke, subscribe } as
// window.keepsake, no raw ipcRenderer, and listeners never receive the IPC event object.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createBridge, type IpcRendererLike } from '../../preload/bridge';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../preload/channels';

const exposed: Array<[string, unknown]> = [];
const fakeIpc = Object.assign(new EventEmitter(), { invoke: vi.fn(async () => ({ ok: true, value: 1 })) });
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
  ipcRenderer: fakeIpc,
}));

function doubleIpc() {
  const emitter = new EventEmitter();
  const calls: unknown[][] = [];
  const ipc: IpcRendererLike & { emitter: EventEmitter } = {
    emitter,
    invoke: async (...args: unknown[]) => {
      calls.push(args);
      return { ok: true, value: null };
    },
    on: (channel, listener) => emitter.on(channel, listener),
    removeListener: (channel, listener) => emitter.removeListener(channel, listener),
  };
  return { ipc, calls };
}

describe('preload (audit item 20)', () => {
  it('exposes exactly window.keepsake = { invoke, subscribe }, frozen', async () => {
    await import('../../preload/index');
    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0] ?? [];
    expect(key).toBe('keepsake');
    expect(Object.keys(api as object).sort()).toEqual(['invoke', 'subscribe']);
    expect(Object.values(api as object).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.isFrozen(api)).toBe(true);
    await (api as { invoke(m: string, i: unknown): Promise<unknown> }).invoke('app.about', {});
    expect(fakeIpc.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'app.about', {});
  });

  it('the preload source touches ipcRenderer only through the bridge', () => {
    const src = readFileSync(join(__dirname, '../../preload/index.ts'), 'utf8');
    expect(src.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(src).toMatch(/exposeInMainWorld\('keepsake', createBridge\(ipcRenderer\)\)/);
    const bridge = readFileSync(join(__dirname, '../../preload/bridge.ts'), 'utf8');
    expect(bridge).not.toMatch(/\.send\(|sendSync|postMessage|\.once\(/);
  });

  it('invoke sends method and input on the one channel; refuses a non-string method', async () => {
    const { ipc, calls } = doubleIpc();
    const bridge = createBridge(ipc);
    await bridge.invoke('jobs.list');
    await bridge.invoke('vault.unlock', { passphrase: 'p' });
    expect(calls).toEqual([
      [INVOKE_CHANNEL, 'jobs.list', {}],
      [INVOKE_CHANNEL, 'vault.unlock', { passphrase: 'p' }],
    ]);
    await expect(bridge.invoke(42 as unknown as string)).rejects.toThrow(TypeError);
  });

  it('subscribe strips the IPC event object and unsubscribes once', () => {
    const { ipc } = doubleIpc();
    const bridge = createBridge(ipc);
    const seen: unknown[][] = [];
    const off = bridge.subscribe((...args: unknown[]) => seen.push(args));
    const ipcEvent = { sender: { send() {} }, ports: [] };
    ipc.emitter.emit(EVENT_CHANNEL, ipcEvent, { name: 'vault.changed', payload: { state: 'locked' }, extra: 'dropped' });
    ipc.emitter.emit(EVENT_CHANNEL, ipcEvent, 'not an event');
    ipc.emitter.emit(EVENT_CHANNEL, ipcEvent, { payload: 1 });
    expect(seen).toEqual([[{ name: 'vault.changed', payload: { state: 'locked' } }]]);
    off();
    off();
    expect(ipc.emitter.listenerCount(EVENT_CHANNEL)).toBe(0);
    ipc.emitter.emit(EVENT_CHANNEL, ipcEvent, { name: 'vault.changed', payload: {} });
    expect(seen).toHaveLength(1);
    expect(() => bridge.subscribe('x' as unknown as () => void)).toThrow(TypeError);
  });
});
