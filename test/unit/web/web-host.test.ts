// The web host's guard: token, Origin and Host checks, body limits, static containment,
// events over SSE, and the session cookie used by media URLs.
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { silentLog } from '../../../main/core/log';
import { startWebHost, type WebHost } from '../../../main/web/server';
import { resolveStatic } from '../../../main/web/static';
import { tempHome } from '../../support/temp-home';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so tests can send any Host/Origin header (fetch forbids setting Host). */
function raw(web: WebHost, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const url = new URL(web.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('web host', () => {
  let home: ReturnType<typeof tempHome>;
  let core: Core;
  let web: WebHost;
  let staticDir: string;
  beforeEach(async () => {
    home = tempHome();
    staticDir = join(home.path, 'ui');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Keepsake</title>');
    writeFileSync(join(home.path, 'secret.txt'), 'outside the static root');
    core = new Core({ dataFolder: join(home.path, 'data'), hostKind: 'web', log: silentLog });
    web = await startWebHost({ core, staticDir });
  });
  afterEach(async () => {
    await web.close();
    await core.close();
    home.remove();
  });

  const auth = (web: WebHost) => ({ Authorization: `Bearer ${web.token}`, 'Content-Type': 'application/json' });

  it('binds to loopback and puts the token in the URL fragment', () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  });

  it('answers a call with the right token', async () => {
    const r = await raw(web, '/rpc/app.about', { method: 'POST', headers: auth(web), body: '{}' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { hostKind: 'web' } });
  });

  it('refuses a call without a token, or with a wrong one, as UNAUTHORIZED', async () => {
    const none = await raw(web, '/rpc/app.about', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const wrong = await raw(web, '/rpc/app.about', { method: 'POST', headers: { ...auth(web), Authorization: `Bearer ${'x'.repeat(43)}` }, body: '{}' });
    expect(wrong.status).toBe(401);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    const r = await raw(web, '/rpc/app.about', { method: 'POST', headers: { ...auth(web), Origin: 'https://evil.example' }, body: '{}' });
    expect(r.status).toBe(403);
  });

  it('accepts its own Origin', async () => {
    const r = await raw(web, '/rpc/app.about', { method: 'POST', headers: { ...auth(web), Origin: web.origin }, body: '{}' });
    expect(r.status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await raw(web, '/rpc/app.about', { method: 'POST', headers: { ...auth(web), Host: 'evil.example:80' }, body: '{}' });
    expect(r.status).toBe(421);
    const page = await raw(web, '/', { headers: { Host: 'attacker.test' } });
    expect(page.status).toBe(421);
  });

  it('refuses unknown methods, invalid input, non-JSON and oversized bodies with the right codes', async () => {
    const unknown = await raw(web, '/rpc/nope.never', { method: 'POST', headers: auth(web), body: '{}' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_METHOD');
    const invalid = await raw(web, '/rpc/jobs.cancel', { method: 'POST', headers: auth(web), body: '{"id":7}' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.code).toBe('BAD_INPUT');
    const notJson = await raw(web, '/rpc/app.about', { method: 'POST', headers: auth(web), body: '{oops' });
    expect(JSON.parse(notJson.body).error.code).toBe('BAD_INPUT');
    const wrongType = await raw(web, '/rpc/app.about', { method: 'POST', headers: { ...auth(web), 'Content-Type': 'text/plain' }, body: '{}' });
    expect(JSON.parse(wrongType.body).error.code).toBe('BAD_INPUT');
    const huge = await raw(web, '/rpc/app.about', { method: 'POST', headers: auth(web), body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) }).catch(() => null);
    if (huge) expect(huge.status).toBe(400);
  });

  it('serves the UI with a strict CSP and never a file outside its root', async () => {
    const page = await raw(web, '/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      const r = await raw(web, p);
      expect(r.body).not.toContain('outside the static root');
    }
    expect(resolveStatic(staticDir, '/../secret.txt')).toBeNull();
    expect(resolveStatic(staticDir, '/%2e%2e/secret.txt')).toBeNull();
    expect(resolveStatic(staticDir, '/a%00.html')).toBeNull();
  });

  it('streams contract events over SSE to an authorised client only', async () => {
    const denied = await fetch(`${web.origin}/events`);
    expect(denied.status).toBe(401);
    const ctrl = new AbortController();
    const res = await fetch(`${web.origin}/events`, { headers: { Authorization: `Bearer ${web.token}` }, signal: ctrl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    await reader.read(); // ": connected"
    const { result } = core.jobs.start({ kind: 'test', title: 'A test job', run: async () => 3, summarize: (n) => `counted ${n}` });
    await result;
    let text = '';
    while (!text.includes('"state":"succeeded"')) text += decoder.decode((await reader.read()).value);
    expect(text).toContain('event: job.progressed');
    expect(text).toContain('counted 3');
    ctrl.abort();
  });

  it('gives media a session cookie and refuses media without it', async () => {
    const denied = await raw(web, '/media/abc');
    expect(denied.status).toBe(401);
    const session = await raw(web, '/session', { method: 'POST', headers: auth(web) });
    expect(session.status).toBe(204);
    const cookie = String(session.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const locked = await raw(web, '/media/abc', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(locked.status).toBe(423);
  });

  it('stages an upload inside the data folder, keeping a folder layout but never escaping it', async () => {
    const up = (name: string, body: string, batch?: string) =>
      raw(web, '/upload', { method: 'POST', headers: { Authorization: `Bearer ${web.token}`, 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(name), ...(batch ? { 'X-Upload-Batch': batch } : {}) }, body });
    const first = JSON.parse((await up('Takeout/Contacts/all.vcf', 'BEGIN:VCARD')).body);
    expect(first.ok).toBe(true);
    const { batch, path } = first.value as { batch: string; path: string };
    expect(path.startsWith(join(home.path, 'data', 'staging', 'uploads'))).toBe(true);
    const evil = JSON.parse((await up('../../../../etc/evil.txt', 'x', batch)).body);
    expect(evil.ok).toBe(true);
    const { readdirSync, readFileSync, existsSync } = await import('node:fs');
    expect(readFileSync(join(path, 'Takeout', 'Contacts', 'all.vcf'), 'utf8')).toBe('BEGIN:VCARD');
    expect(readFileSync(join(path, 'etc', 'evil.txt'), 'utf8')).toBe('x');
    expect(existsSync(join(home.path, 'etc'))).toBe(false);
    expect(readdirSync(path).sort()).toEqual(['Takeout', 'etc']);
    const dup = JSON.parse((await up('Takeout/Contacts/all.vcf', 'again', batch)).body);
    expect(dup.error.code).toBe('CONFLICT');
    const badBatch = JSON.parse((await up('a.txt', 'x', '../../x')).body);
    expect(badBatch.error.code).toBe('BAD_INPUT');
    const noToken = await raw(web, '/upload', { method: 'POST', headers: { 'X-File-Name': 'a' }, body: 'x' });
    expect(noToken.status).toBe(401);
  });
});
