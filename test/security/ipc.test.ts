// RELIABILITY row 44 / audit item 17: the one IPC handler checks the sender frame, the
// method, the input's size and shape (zod, via dispatch) before core runs anything. Runs
// against a real Core in a temp data folder with mocked IPC events.
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../common/errors';
import { Core } from '../../main/core/core';
import { silentLog } from '../../main/core/log';
import { MAX_INPUT_BYTES, boundedJson, checkSender, forwardEvents, handleInvoke, registerIpc, type IpcMainLike } from '../../main/electron/ipc';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../preload/channels';
import { tempHome } from '../support/temp-home';

/** A mocked IpcMainInvokeEvent from a frame at `url`. */
function eventFrom(url: string, opts: { subframe?: boolean; destroyed?: boolean; nullFrame?: boolean } = {}) {
  const mainFrame = { url, parent: null, frameTreeNodeId: 1 };
  const frame = opts.subframe ? { url, parent: mainFrame, frameTreeNodeId: 2 } : mainFrame;
  return {
    sender: { mainFrame, isDestroyed: () => opts.destroyed ?? false },
    senderFrame: opts.nullFrame ? null : frame,
  };
}

const GOOD = eventFrom('app://app/index.html');

let home: ReturnType<typeof tempHome>;
let core: Core;
beforeEach(() => {
  home = tempHome();
  core = new Core({ dataFolder: home.path, hostKind: 'electron', log: silentLog });
});
afterEach(async () => {
  await core.close();
  home.remove();
});

describe('checkSender (row 44)', () => {
  it('accepts only the main frame of app://app', () => {
    expect(checkSender(GOOD)).toBe(true);
    expect(checkSender(eventFrom('app://app/'))).toBe(true);
    expect(checkSender(eventFrom('app://app/photos?x=1#y'))).toBe(true);
  });

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:5173/',
    'file:///home/me/dist/renderer/index.html',
    'app://evil/index.html',
    'app://app:8080/index.html',
    'app://user@app/index.html',
    'app://app.evil/index.html',
    'vault://media/x',
    'about:blank',
    'about:srcdoc',
    'data:text/html,hi',
    'devtools://devtools/bundled/inspector.html',
    'chrome-extension://abc/',
    'not a url',
    '',
  ])('refuses a sender frame at %j', (url) => {
    expect(checkSender(eventFrom(url))).toBe(false);
  });

  it('refuses subframes, destroyed senders and vanished frames, even at app://app', () => {
    expect(checkSender(eventFrom('app://app/index.html', { subframe: true }))).toBe(false);
    expect(checkSender(eventFrom('app://app/index.html', { destroyed: true }))).toBe(false);
    expect(checkSender(eventFrom('app://app/index.html', { nullFrame: true }))).toBe(false);
  });

  it('refuses a frame that claims to be the main frame but is not the sender’s', () => {
    const e = eventFrom('app://app/index.html');
    expect(checkSender({ sender: e.sender, senderFrame: { url: 'app://app/index.html', parent: null } })).toBe(false);
    expect(checkSender({ sender: e.sender, senderFrame: { url: 'app://app/index.html', parent: null, frameTreeNodeId: 7 } })).toBe(false);
    expect(checkSender({ sender: e.sender, senderFrame: { url: 'app://app/index.html', frameTreeNodeId: 1 } })).toBe(false); // no parent field at all
  });

  it('accepts a fresh wrapper of the same main frame (same frame tree node)', () => {
    const e = eventFrom('app://app/index.html');
    expect(checkSender({ sender: e.sender, senderFrame: { url: 'app://app/index.html', parent: null, frameTreeNodeId: 1 } })).toBe(true);
  });

  it('refuses events of the wrong shape', () => {
    for (const e of [null, undefined, 1, 'app://app', {}, { sender: null, senderFrame: null }, { senderFrame: { url: 'app://app/' } }]) expect(checkSender(e)).toBe(false);
  });
});

describe('handleInvoke (row 44)', () => {
  it('serves app.about to our window', async () => {
    const r = await handleInvoke(core, GOOD, 'app.about', {});
    expect(r).toMatchObject({ ok: true, value: { name: 'Keepsake', hostKind: 'electron', dataFolder: home.path, vaultState: 'missing' } });
  });

  it('refuses a foreign sender with UNAUTHORIZED before looking at the method', async () => {
    const r = await handleInvoke(core, eventFrom('https://evil.example/'), 'app.about', {});
    expect(r).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    const sub = await handleInvoke(core, eventFrom('app://app/index.html', { subframe: true }), 'no.such', {});
    expect(sub.ok === false && sub.error.code).toBe('UNAUTHORIZED');
  });

  it('refuses wrong method types and unknown methods', async () => {
    for (const m of [42, null, undefined, {}, ['app.about'], 'x'.repeat(101)]) {
      const r = await handleInvoke(core, GOOD, m, {});
      expect(r.ok === false && r.error.code, String(m)).toBe('BAD_INPUT');
    }
    for (const m of ['no.such', '__proto__', 'constructor', 'hasOwnProperty', 'app.about ', 'APP.ABOUT']) {
      const r = await handleInvoke(core, GOOD, m, {});
      expect(r.ok === false && r.error.code, m).toBe('UNKNOWN_METHOD');
    }
  });

  it('refuses wrong input types and extra properties (zod, strict)', async () => {
    for (const input of [{ extra: 1 }, 'text', 7, [1, 2], true]) {
      const r = await handleInvoke(core, GOOD, 'app.about', input);
      expect(r.ok === false && r.error.code, JSON.stringify(input)).toBe('BAD_INPUT');
    }
    const wrongType = await handleInvoke(core, GOOD, 'jobs.cancel', { id: 12345 });
    expect(wrongType.ok === false && wrongType.error.code).toBe('BAD_INPUT');
    const extra = await handleInvoke(core, GOOD, 'jobs.cancel', { id: 'abcdef-1', admin: true });
    expect(extra.ok === false && extra.error.code).toBe('BAD_INPUT');
  });

  it('refuses huge payloads and inputs that are not plain data', async () => {
    const huge = await handleInvoke(core, GOOD, 'vault.unlock', { passphrase: 'x'.repeat(MAX_INPUT_BYTES + 1) });
    expect(huge.ok === false && huge.error.code).toBe('BAD_INPUT');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cyc = await handleInvoke(core, GOOD, 'app.about', cyclic);
    expect(cyc.ok === false && cyc.error.code).toBe('BAD_INPUT');
    const big = await handleInvoke(core, GOOD, 'app.about', { n: 10n });
    expect(big.ok === false && big.error.code).toBe('BAD_INPUT');
  });

  it('boundedJson normalises structured-clone values to plain JSON', () => {
    expect(boundedJson(undefined)).toEqual({ ok: true, value: {} });
    expect(boundedJson({ d: new Date(0), m: new Map([[1, 2]]) })).toEqual({ ok: true, value: { d: '1970-01-01T00:00:00.000Z', m: {} } });
    expect(boundedJson('x'.repeat(100), 50).ok).toBe(false);
  });

  it('always answers with a Result carrying a closed error code, whatever arrives (property)', async () => {
    const method = fc.oneof(fc.constantFrom('app.about', 'jobs.list', 'jobs.cancel', 'vault.unlock', 'vault.lock'), fc.string({ maxLength: 40 }), fc.anything());
    await fc.assert(
      fc.asyncProperty(fc.boolean(), method, fc.anything({ maxDepth: 3 }), async (fromApp, m, input) => {
        const r = await handleInvoke(core, fromApp ? GOOD : eventFrom('https://evil.example/'), m, input);
        if (!fromApp) return r.ok === false && r.error.code === 'UNAUTHORIZED';
        return r.ok === true || (ErrorCodes as readonly string[]).includes(r.error.code);
      }),
      { numRuns: 300 },
    );
  });
});

describe('registration and event forwarding', () => {
  it('registers exactly one invoke channel and removes it again', async () => {
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    const ipc = {
      handle: (channel: string, fn: (...args: unknown[]) => unknown) => void handlers.set(channel, fn),
      removeHandler: (channel: string) => void handlers.delete(channel),
    };
    const off = registerIpc(ipc as unknown as IpcMainLike, core);
    expect([...handlers.keys()]).toEqual([INVOKE_CHANNEL]);
    const r = await handlers.get(INVOKE_CHANNEL)?.(GOOD, 'app.about', {});
    expect(r).toMatchObject({ ok: true });
    const refused = await handlers.get(INVOKE_CHANNEL)?.(eventFrom('https://evil.example/'), 'app.about', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    off();
    expect(handlers.size).toBe(0);
  });

  it('pushes events only while the window shows our own page', () => {
    const sent: Array<[string, unknown]> = [];
    let url = 'app://app/index.html';
    let destroyed = false;
    const target = { isDestroyed: () => destroyed, getURL: () => url, send: (c: string, m: unknown) => void sent.push([c, m]) };
    const stop = forwardEvents(core, target);
    core.events.emit('vault.changed', { state: 'locked' });
    url = 'https://evil.example/';
    core.events.emit('vault.changed', { state: 'unlocked' });
    url = 'app://app/index.html';
    destroyed = true;
    core.events.emit('vault.changed', { state: 'unlocked' });
    destroyed = false;
    stop();
    core.events.emit('vault.changed', { state: 'unlocked' });
    expect(sent).toEqual([[EVENT_CHANNEL, { name: 'vault.changed', payload: { state: 'locked' } }]]);
  });

  it('an EventEmitter-based sender mock cannot pass as the main frame', () => {
    const sender = Object.assign(new EventEmitter(), { mainFrame: { url: 'app://app/', parent: null } });
    expect(checkSender({ sender, senderFrame: { url: 'app://app/', parent: { url: 'app://app/' } } })).toBe(false);
  });
});
