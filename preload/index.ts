// The preload script of the main window (runs sandboxed, with context isolation). It
// exposes exactly `window.keepsake = { invoke, subscribe }` and nothing else; see
// bridge.ts for why the shape is so small.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('keepsake', createBridge(ipcRenderer));
