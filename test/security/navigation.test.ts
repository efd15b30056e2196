// RELIABILITY row 45 / audit items 11–14, 18, 32: navigation, redirects, new windows and
// <webview> are refused off-app (mocked events); the app:// protocol serves only files
// under the renderer root (real files in a temp folder); deep links and command-line
// switches are never turned into behaviour.
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppPath } from '../../main/electron/app-protocol';
import { hardenWebContents, type HardenableContents } from '../../main/electron/harden';
import { guardNavigation, guardRedirect, navigationAllowed, refuseWebview, windowOpenHandler } from '../../main/electron/navigation';
import { forbiddenSwitchesIn } from '../../main/electron/switches';
import { tempHome } from '../support/temp-home';

function navEvent(url: string, isMainFrame = true) {
  let prevented = false;
  return { url, isMainFrame, preventDefault: () => void (prevented = true), get prevented() { return prevented; } };
}

describe('navigation guards (row 45)', () => {
  it('lets the page move within app://app', () => {
    for (const url of ['app://app/index.html', 'app://app/photos', 'app://app/#/messages']) {
      const e = navEvent(url);
      guardNavigation(e, () => expect.unreachable());
      expect(e.prevented, url).toBe(false);
    }
  });

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'app://evil/index.html',
    'app://app:1/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'about:blank',
    'chrome://settings',
    'devtools://devtools/',
    'vault://media/abc',
  ])('refuses a main-frame navigation to %j', (url) => {
    const opened: string[] = [];
    const e = navEvent(url);
    guardNavigation(e, (u) => opened.push(u));
    expect(e.prevented).toBe(true);
    expect(opened).toEqual([]);
  });

  it('opens an allowlisted https link in the system browser instead of navigating', () => {
    const opened: string[] = [];
    const e = navEvent('https://github.com/keepsake-app');
    guardNavigation(e, (u) => opened.push(u));
    expect(e.prevented).toBe(true);
    expect(opened).toEqual(['https://github.com/keepsake-app']);
  });

  it('lets subframes show about:blank / about:srcdoc but never the web, and never opens links for them', () => {
    expect(navigationAllowed('about:srcdoc', false)).toBe(true);
    expect(navigationAllowed('about:blank', false)).toBe(true);
    expect(navigationAllowed('about:srcdoc', true)).toBe(false);
    const opened: string[] = [];
    const e = navEvent('https://github.com/', false);
    guardNavigation(e, (u) => opened.push(u));
    expect(e.prevented).toBe(true);
    expect(opened).toEqual([]);
  });

  it('refuses redirects off-app without opening anything', () => {
    const off = navEvent('https://evil.example/');
    guardRedirect(off);
    expect(off.prevented).toBe(true);
    const on = navEvent('app://app/index.html');
    guardRedirect(on);
    expect(on.prevented).toBe(false);
  });

  it('denies every new window; only allowlisted links leave, to the system browser', () => {
    const opened: string[] = [];
    const handler = windowOpenHandler((u) => opened.push(u));
    for (const url of ['app://app/index.html', 'https://evil.example/', 'javascript:alert(1)', 'about:blank', 'https://github.com/x', 'file:///etc/passwd']) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://github.com/x']);
  });

  it('never allows a main-frame navigation that is not app://app (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.string(), fc.constantFrom('app://', 'app:', 'app://app.', 'APP://APP/')), (url) => {
        const e = navEvent(url);
        guardNavigation(e, () => undefined);
        const parsed = URL.canParse(url) ? new URL(url) : null;
        const ours = parsed?.protocol === 'app:' && parsed.hostname === 'app' && parsed.port === '' && parsed.username === '' && parsed.password === '';
        return e.prevented === !ours;
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses <webview> attachment', () => {
    const e = navEvent('');
    refuseWebview(e);
    expect(e.prevented).toBe(true);
  });

  it('hardenWebContents wires every guard onto a webContents', () => {
    const contents = new EventEmitter() as EventEmitter & { openHandler?: (d: { url: string }) => unknown };
    const mock = Object.assign(contents, { setWindowOpenHandler: (h: (d: { url: string }) => unknown) => void (contents.openHandler = h) });
    hardenWebContents(mock as unknown as HardenableContents, () => undefined);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = navEvent('https://evil.example/');
      contents.emit(name, e);
      expect(e.prevented, name).toBe(true);
    }
    expect(contents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('app:// protocol containment (row 45, audit item 18)', () => {
  const home = tempHome('keepsake-approot-');
  const root = join(home.path, 'renderer');
  beforeAll(() => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Keepsake</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(home.path, 'secret.txt'), 'SECRET');
    symlinkSync(join(home.path, 'secret.txt'), join(root, 'assets', 'link.js'));
  });
  afterAll(() => home.remove());

  it('maps our own URLs into the root', () => {
    expect(resolveAppPath(root, 'app://app/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://app/photos/2024')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://app/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it.each([
    'app://x/../../etc/passwd',
    'app://app/%2e%2e/secret.txt',
    'app://app/%2E%2E/%2E%2E/etc/passwd',
    'app://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://app/..%2fsecret.txt',
    'app://app/..%5csecret.txt',
    'app://app/assets%2f..%2f..%2fsecret.txt',
    'app://app/%00index.html',
    'app://app//etc/passwd',
    'app://app/C:/Windows/win.ini',
    'app://app/assets/.%2e/.%2e/secret.txt',
    'app://evil/index.html',
    'app://app:81/index.html',
    'file:///etc/passwd',
    'https://app/index.html',
  ])('refuses %j', (url) => {
    // Either refused outright, or (where the URL parser already removed the dot segments,
    // as WHATWG URL does for %2e%2e) mapped to a path that is still inside the root.
    const resolved = resolveAppPath(root, url);
    if (resolved !== null) {
      expect(resolved.startsWith(`${root}/`)).toBe(true);
      expect(resolved.split('/')).not.toContain('..');
    }
  });

  it('serves files with the strict CSP header, and 404s traversal and symlinks out of the root', async () => {
    const handle = createAppProtocolHandler(root);
    const ok = await handle(new Request('app://app/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await ok.text()).toContain('<title>Keepsake</title>');
    for (const url of ['app://app/%2e%2e/secret.txt', 'app://app/assets/link.js', 'app://app/..%2fsecret.txt', 'app://app/missing.js']) {
      const r = await handle(new Request(url));
      expect(r.status, url).toBe(404);
      expect(await r.text()).not.toContain('SECRET');
    }
    const post = await handle(new Request('app://app/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });

  it('never serves anything outside the root, whatever the path (property)', async () => {
    const handle = createAppProtocolHandler(root);
    const segment = fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2E%2e', '%2f', '%5c', 'secret.txt', 'assets', 'index.html', '%00', ''), fc.stringMatching(/^[a-z%0-9.]{1,6}$/));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (parts) => {
        let request: Request;
        try {
          request = new Request(`app://app/${parts.join('/')}`);
        } catch {
          return true;
        }
        const r = await handle(request);
        return !(await r.text()).includes('SECRET');
      }),
      { numRuns: 300 },
    );
  });
});

describe('deep links and command-line switches (row 45, audit items 32, 34)', () => {
  it('registers no custom protocol client and ignores second-instance argv', () => {
    const main = readFileSync(join(__dirname, '../../main/electron/main.ts'), 'utf8');
    expect(main).not.toMatch(/setAsDefaultProtocolClient|open-url/);
    expect(main).toMatch(/app\.on\('second-instance', \(\) => showMainWindow\(\)\)/);
  });

  it('finds forbidden switches however they are written', () => {
    expect(forbiddenSwitchesIn(['/opt/Keepsake/keepsake', '--remote-debugging-port=9222', '--INSPECT', '-inspect-brk=0', '--js-flags="--expose-gc"', 'keepsake://--inspect'])).toEqual([
      'remote-debugging-port',
      'inspect',
      'inspect-brk',
      'js-flags',
    ]);
    expect(forbiddenSwitchesIn(['/opt/Keepsake/keepsake', '--enable-logging', 'app://--inspect'])).toEqual([]);
  });
});
