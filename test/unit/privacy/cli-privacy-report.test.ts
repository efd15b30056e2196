// `keepsake privacy-report <folder>` as a script would use it: real processes, real KDF,
// identity from KEEPSAKE_PASSPHRASE. The report lands in a dated folder inside the one
// given, with its index and standard files, and the JSON answer carries the export receipt.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../../support/temp-home';

const run = promisify(execFile);
const FIXTURES = new URL('../../../../shared/fixtures/', import.meta.url).pathname;

describe('keepsake privacy-report', () => {
  const home = tempHome('ks-cli-report-');
  const out = mkdtempSync(join(tmpdir(), 'ks-cli-report-out-'));
  const env = { ...process.env, KEEPSAKE_HOME: home.path, KEEPSAKE_PASSPHRASE: 'correct horse battery staple orbit' };
  const ks = (...args: string[]) => run(process.execPath, ['bin/keepsake.mjs', ...args], { env, timeout: 60_000 });

  beforeAll(async () => {
    await ks('init');
    await ks('import', `${FIXTURES}contacts/ezvcard__John_Doe_IPHONE.vcf`, `${FIXTURES}messages/sbr2__sms_small.xml`);
  }, 120_000);
  afterAll(() => {
    home.remove();
    rmSync(out, { recursive: true, force: true });
  });

  it('writes the report and prints its export receipt', async () => {
    const { stdout } = await ks('privacy-report', out, '--json');
    const res = JSON.parse(stdout) as { ok: boolean; dir: string; receipt: { kind: string; counts: Record<string, number>; locations: Array<{ outcome: string; kind: string }> } };
    expect(res.ok).toBe(true);
    expect(res.receipt.kind).toBe('export');
    expect(res.receipt.counts.contact).toBe(1);
    expect(res.receipt.counts.message).toBeGreaterThan(0);
    expect(res.receipt.locations).toEqual([expect.objectContaining({ kind: 'export', outcome: 'exported' })]);
    expect(res.dir.startsWith(join(out, 'Keepsake data '))).toBe(true);
    const index = JSON.parse(readFileSync(join(res.dir, 'index.json'), 'utf8')) as { items: unknown[] };
    expect(index.items.length).toBe(Object.values(res.receipt.counts).reduce((a, b) => a + b, 0));
    expect(readFileSync(join(res.dir, 'Contacts', 'contacts.vcf'), 'utf8')).toMatch(/BEGIN:VCARD/);
    expect(existsSync(join(res.dir, 'Messages', 'sms.xml'))).toBe(true);
  }, 90_000);

  it('refuses a folder inside the data folder, saying why, before asking for anything', async () => {
    const inside = (await ks('privacy-report', join(home.path, 'x')).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(inside.code).not.toBe(0);
    expect(inside.stderr).toMatch(/outside Keepsake's data folder/);
    expect(existsSync(join(home.path, 'x'))).toBe(false);
  }, 90_000);
});
