// vault://media/<id> → core's openMedia with the Range header forwarded, and the app://
// handler's content types; real files in a temp folder stand behind the media source.
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { silentLog } from '../../../main/core/log';
import type { MediaSource } from '../../../main/core/media';
import type { Vault } from '../../../main/core/vault/vault';
import { APP_SECURITY_HEADERS, createAppProtocolHandler } from '../../../main/electron/app-protocol';
import { createVaultProtocolHandler, mediaIdFromUrl } from '../../../main/electron/vault-protocol';
import { tempHome } from '../../support/temp-home';

let home: ReturnType<typeof tempHome>;
let core: Core;
beforeEach(() => {
  home = tempHome();
  core = new Core({ dataFolder: home.path, hostKind: 'electron', log: silentLog });
});
afterEach(async () => {
  core.vault = null;
  await core.close();
  home.remove();
});

/** Stands in for the vault engine's media lookup: one real file, served by id "photo1". */
function vaultWithFile(bytes: Buffer): Vault {
  const file = join(home.path, 'photo.bin');
  writeFileSync(file, bytes);
  const source: MediaSource = { size: bytes.length, mime: 'image/jpeg', stream: (start, end) => createReadStream(file, { start, end }) };
  return { media: async (id: string) => (id === 'photo1' ? source : null), close() {} } as unknown as Vault;
}

describe('vault:// protocol', () => {
  it('extracts media ids and nothing else', () => {
    expect(mediaIdFromUrl('vault://media/abc_DEF-1')).toBe('abc_DEF-1');
    expect(mediaIdFromUrl('vault://media/thumb.jpg')).toBe('thumb.jpg');
    for (const url of ['vault://other/abc', 'vault://media/', 'vault://media/a/b', 'vault://media/a%2Fb', 'vault://media/x?y=1', 'vault://u@media/x', 'app://media/x', 'vault://media:1/x']) {
      expect(mediaIdFromUrl(url), url).toBeNull();
    }
  });

  it('says the vault is locked (423) and refuses bad ids (400) and other hosts (404)', async () => {
    const handle = createVaultProtocolHandler(core);
    expect((await handle(new Request('vault://media/photo1'))).status).toBe(423);
    expect((await handle(new Request('vault://media/bad%20id'))).status).toBe(400);
    expect((await handle(new Request('vault://elsewhere/photo1'))).status).toBe(404);
    expect((await handle(new Request('vault://media/photo1', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('streams whole files and forwards byte ranges', async () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    core.vault = vaultWithFile(bytes);
    const handle = createVaultProtocolHandler(core);
    const whole = await handle(new Request('vault://media/photo1'));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await handle(new Request('vault://media/photo1', { headers: { Range: 'bytes=100-199' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    expect((await handle(new Request('vault://media/photo1', { headers: { Range: 'bytes=5000-' } }))).status).toBe(416);
    expect((await handle(new Request('vault://media/nope'))).status).toBe(404);
    expect((await handle(new Request('vault://media/photo1', { method: 'HEAD' }))).status).toBe(405);
  });
});

describe('app:// protocol', () => {
  it('serves the renderer with the right types and the security headers', async () => {
    const root = join(home.path, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'a.js'), 'export {}');
    writeFileSync(join(root, 'assets', 'a.css'), 'body{}');
    const handle = createAppProtocolHandler(root);
    const js = await handle(new Request('app://app/assets/a.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const [k, v] of Object.entries(APP_SECURITY_HEADERS)) expect(js.headers.get(k)).toBe(v);
    expect((await handle(new Request('app://app/assets/a.css'))).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await (await handle(new Request('app://app/settings/privacy'))).text()).toBe('<!doctype html>');
    const head = await handle(new Request('app://app/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
  });

  it('explains a missing build instead of a blank window', async () => {
    const r = await createAppProtocolHandler(join(home.path, 'nothing-here'))(new Request('app://app/'));
    expect(r.status).toBe(404);
    expect(await r.text()).toMatch(/npm run build/);
  });
});
