// Loads the BUILT main process (dist/electron/main.cjs) in plain Node with a recording
// stand-in for the 'electron' module, drives it the way Electron would (ready, a
// web-contents-created event, IPC calls, protocol requests), and prints what the host
// did as JSON. There is no Electron runtime on CI machines; this still proves the bundle
// loads and wires every piece in the right order. Used by main-wiring.test.ts.
// Usage: node fake-electron-run.mjs <path to main.cjs>   (FAKE_LOCK=0: lock is taken)
import Module, { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';

const calls = [];
const record = (what, detail) => calls.push(detail === undefined ? [what] : [what, detail]);
let ready = false;
const appEvents = new EventEmitter();
const handlers = { protocol: {}, ipc: {} };
const windows = [];

class FakeWebContents extends EventEmitter {
  constructor() {
    super();
    this.url = '';
    this.mainFrame = { url: '', parent: null };
    this.sent = [];
  }
  setWindowOpenHandler(fn) {
    this.openHandler = fn;
  }
  isDestroyed() {
    return false;
  }
  getURL() {
    return this.url;
  }
  send(channel, message) {
    this.sent.push([channel, message]);
  }
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    windows.push(this);
    record('BrowserWindow', { ready });
    appEvents.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return windows;
  }
  loadURL(url) {
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
    record('loadURL', url);
    return Promise.resolve();
  }
  show() {}
  focus() {}
  maximize() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    return { x: 10, y: 10, width: 1200, height: 800 };
  }
}

const fake = {
  app: {
    isPackaged: false,
    getAppPath: () => process.cwd(),
    setPath: (name, path) => record('setPath', { name, path }),
    requestSingleInstanceLock: () => process.env.FAKE_LOCK !== '0',
    on: (name, fn) => {
      record('app.on', name);
      appEvents.on(name, fn);
    },
    whenReady: () =>
      new Promise((resolve) =>
        setImmediate(() => {
          ready = true;
          resolve();
        }),
      ),
    exit: (code) => record('app.exit', code),
    quit: () => record('app.quit'),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => record('registerSchemesAsPrivileged', { ready, schemes }),
    handle: (scheme, fn) => {
      handlers.protocol[scheme] = fn;
      record('protocol.handle', scheme);
    },
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn) => record('setPermissionRequestHandler', typeof fn),
      setPermissionCheckHandler: (fn) => record('setPermissionCheckHandler', typeof fn),
      setDevicePermissionHandler: (fn) => record('setDevicePermissionHandler', typeof fn),
    },
  },
  ipcMain: {
    handle: (channel, fn) => {
      handlers.ipc[channel] = fn;
      record('ipcMain.handle', channel);
    },
    removeHandler: (channel) => delete handlers.ipc[channel],
  },
  BrowserWindow,
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  Menu: { buildFromTemplate: (template) => ({ template }), setApplicationMenu: (menu) => record('setApplicationMenu', menu.template.map((i) => i.label ?? i.role)) },
  Tray: class extends EventEmitter {
    constructor(image) {
      super();
      record('Tray', image.path);
    }
    setToolTip(text) {
      record('tray.tooltip', text);
    }
    setContextMenu(menu) {
      record('tray.menu', menu.template.map((i) => i.label ?? i.type));
    }
    destroy() {}
  },
  nativeImage: { createFromPath: (path) => ({ path }) },
  Notification: class {
    static isSupported() {
      return true;
    }
    constructor(options) {
      record('Notification', options.title);
    }
    show() {}
  },
  safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '', getSelectedStorageBackend: () => 'basic_text' },
  shell: { openExternal: async (url) => record('openExternal', url) },
  dialog: { showMessageBox: async () => ({ response: 0 }) },
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? 'electron' : resolve.call(this, request, ...rest);
};
const stub = new Module('electron');
stub.exports = fake;
stub.loaded = true;
Module._cache.electron = stub;

const main = process.argv[2];
createRequire(import.meta.url)(main);
await new Promise((r) => setTimeout(r, 300));

const out = { calls, windowOptions: windows[0]?.options ?? null };
const invoke = handlers.ipc['keepsake:invoke'];
if (invoke && windows[0]) {
  const wc = windows[0].webContents;
  out.aboutFromWindow = await invoke({ sender: wc, senderFrame: wc.mainFrame }, 'app.about', {});
  out.aboutFromElsewhere = await invoke({ sender: wc, senderFrame: { url: 'https://evil.example/', parent: null } }, 'app.about', {});
  const nav = { url: 'https://evil.example/', isMainFrame: true, prevented: false, preventDefault() { this.prevented = true; } };
  wc.emit('will-navigate', nav);
  out.navigationPrevented = nav.prevented;
  out.windowOpen = wc.openHandler?.({ url: 'https://github.com/x' });
  const app = await handlers.protocol.app(new Request('app://app/%2e%2e/%2e%2e/package.json'));
  out.appTraversal = { status: app.status, csp: app.headers.get('content-security-policy') };
  const vault = await handlers.protocol.vault(new Request('vault://media/photo1'));
  out.vaultLocked = vault.status;
  appEvents.emit('window-all-closed');
  const quit = { prevented: false, preventDefault() { this.prevented = true; } };
  appEvents.emit('before-quit', quit);
  out.quitHeldForClose = quit.prevented;
  await new Promise((r) => setTimeout(r, 200));
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
