// The whole IPC surface of the desktop app: one ipcMain.handle('keepsake:invoke') for
// contract calls and one push channel for contract events. Every call is checked in this
// order before core sees it (STYLE example 3, audit item 17, RELIABILITY row 44):
//   1. the sender is the main frame of a window showing app://app (not a subframe, not a
//      page that navigated elsewhere, not a destroyed frame);
//   2. the method is a string naming a contract method (isMethodName);
//   3. the input is plain JSON no larger than MAX_INPUT_BYTES;
//   4. dispatch() parses it with the method's zod schema and runs the handler.
// Failures come back as error data ({ ok:false, error }), never as thrown IPC errors.
import type { IpcMain } from 'electron';
import { isMethodName, type Result } from '../../common/contract';
import type { Core } from '../core/core';
import { dispatch } from '../core/dispatch';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../preload/channels';
import { isAppUrl } from './origin';

/** The same ceiling the web host puts on a /rpc body. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** The parts of a WebFrameMain the checks read. */
interface FrameLike {
  url: string;
  parent?: unknown;
  frameTreeNodeId?: number;
}

/** The parts of an IpcMainInvokeEvent the checks read. */
export interface InvokeEventLike {
  sender: { mainFrame: FrameLike | null; isDestroyed?(): boolean };
  senderFrame: FrameLike | null;
}

/** True when the call comes from our page's main frame at app://app. */
export function checkSender(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const { sender, senderFrame } = event as Partial<InvokeEventLike>;
  if (!sender || typeof sender !== 'object' || !senderFrame || typeof senderFrame !== 'object') return false;
  if (sender.isDestroyed?.()) return false;
  // Subframes (even same-origin ones) never get the contract: only the top-level page.
  // A main frame has no parent (VS Code's validatedIpcMain test) and is the sender's own
  // main frame — the same object, or the same frame tree node should Electron hand out a
  // fresh wrapper.
  if (senderFrame.parent !== null) return false;
  const main = sender.mainFrame;
  const sameFrame = senderFrame === main || (typeof senderFrame.frameTreeNodeId === 'number' && senderFrame.frameTreeNodeId === main?.frameTreeNodeId);
  if (!sameFrame) return false;
  return isAppUrl(senderFrame.url);
}

/** Normalises the input to plain JSON and bounds its size; null when it is neither. */
export function boundedJson(input: unknown, maxBytes = MAX_INPUT_BYTES): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (input === undefined) return { ok: true, value: {} };
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch {
    return { ok: false, reason: 'it is not plain data' };
  }
  if (text === undefined) return { ok: false, reason: 'it is not plain data' };
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return { ok: false, reason: `it is larger than ${Math.round(maxBytes / 1024)} KiB` };
  return { ok: true, value: JSON.parse(text) as unknown };
}

export async function handleInvoke(core: Core, event: unknown, method: unknown, input: unknown): Promise<Result<unknown>> {
  if (!checkSender(event)) {
    core.log.warn('ipc.refused_sender', { method: typeof method === 'string' ? method.slice(0, 80) : typeof method });
    return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This request did not come from the Keepsake window.' } };
  }
  if (typeof method !== 'string' || method.length > 100) {
    return { ok: false, error: { code: 'BAD_INPUT', message: 'The method name must be a short piece of text.' } };
  }
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `There is no method called "${method.slice(0, 80)}".` } };
  }
  const json = boundedJson(input);
  if (!json.ok) return { ok: false, error: { code: 'BAD_INPUT', message: `The request for ${method} was refused because ${json.reason}.` } };
  return dispatch(core, method, json.value);
}

/** The slice of ipcMain used here. */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

export function registerIpc(ipcMain: IpcMainLike, core: Core): () => void {
  ipcMain.handle(INVOKE_CHANNEL, (event: unknown, method: unknown, input: unknown) => handleInvoke(core, event, method, input));
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

/** The slice of WebContents that event forwarding needs. */
export interface EventSink {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, message: unknown): void;
}

/**
 * Forwards every core event to the window, but only while it shows our own page: if the
 * window were ever somewhere else, nothing about the vault would be pushed to it.
 */
export function forwardEvents(core: Core, target: EventSink): () => void {
  return core.events.subscribe((event) => {
    if (target.isDestroyed() || !isAppUrl(target.getURL())) return;
    target.send(EVENT_CHANNEL, { name: event.name, payload: event.payload });
  });
}
