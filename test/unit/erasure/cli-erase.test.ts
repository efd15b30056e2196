// The erasure CLI as a script would use it (issue 8 interface): import, search-and-erase
// with --yes, the receipt as JSON, both ledgers verified. Real processes, real KDF.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../../support/temp-home';

const run = promisify(execFile);
const FIXTURES = new URL('../../../../shared/fixtures/', import.meta.url).pathname;

describe('keepsake erase / receipts / consent', () => {
  const home = tempHome('ks-cli-erase-');
  const env = { ...process.env, KEEPSAKE_HOME: home.path, KEEPSAKE_PASSPHRASE: 'correct horse battery staple orbit' };
  const ks = (...args: string[]) => run(process.execPath, ['bin/keepsake.mjs', ...args], { env, timeout: 60_000 });

  beforeAll(async () => {
    await ks('init');
    await ks('import', `${FIXTURES}contacts/ezvcard__John_Doe_IPHONE.vcf`, `${FIXTURES}messages/sbr2__sms_small.xml`);
  }, 120_000);
  afterAll(() => home.remove());

  it('previews without --yes and erases nothing', async () => {
    const { stdout } = await ks('erase', '--query', 'John', '--json');
    const out = JSON.parse(stdout) as { preview: { itemIds: string[]; counts: Record<string, number> } };
    expect(out.preview.counts).toEqual({ contact: 1 });
    const again = JSON.parse((await ks('erase', '--query', 'John', '--json')).stdout) as typeof out;
    expect(again.preview.itemIds).toEqual(out.preview.itemIds);
  }, 60_000);

  it('erases with --yes, prints the receipt, and both ledgers verify', async () => {
    const { stdout } = await ks('erase', '--query', 'John', '--yes', '--json');
    const out = JSON.parse(stdout) as { receipt: { counts: Record<string, number>; complete: boolean; locations: Array<{ outcome: string }> } };
    expect(out.receipt.counts).toEqual({ contact: 1 });
    expect(out.receipt.complete).toBe(true);
    expect(out.receipt.locations.every((l) => l.outcome === 'erased')).toBe(true);
    const receipts = JSON.parse((await ks('receipts', '--json')).stdout) as unknown[];
    expect(receipts).toHaveLength(1);
    expect((await ks('receipts', '--verify')).stdout).toMatch(/intact/);
    expect((await ks('consent', 'verify')).stdout).toMatch(/intact/);
    const none = await ks('erase', '--query', 'John', '--yes').catch((e: { code: number; stderr: string }) => e);
    expect((none as { code: number }).code).toBe(5);
    expect((none as { stderr: string }).stderr).toMatch(/Nothing matches/);
  }, 90_000);
});
