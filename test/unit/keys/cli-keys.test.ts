// The key commands as a person or script runs them: `keepsake passphrase`, `recovery-key
// rotate|check` and `kit`, as real processes on a real vault made by `keepsake init`,
// secrets from the environment, files and stdin (never the command line).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unlockKeySlots } from '../../../main/core/vault/keys/key-slots';
import { vaultLayout } from '../../../main/core/vault/layout';

const BIN = resolve(__dirname, '../../../bin/keepsake.mjs');
const home = mkdtempSync(join(tmpdir(), 'keepsake-cli-keys-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function keepsake(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', KEEPSAKE_HOME: home, ...env } }, (error, out, err) => {
      done({ code: error ? Number(error.code ?? 1) : 0, out: String(out), err: String(err) });
    });
    child.stdin?.end(stdin);
  });
}

describe('key commands', () => {
  it('change the passphrase, rotate the recovery key, check keys and save the kit', async () => {
    const init = await keepsake(['init', '--json'], { KEEPSAKE_PASSPHRASE: 'first pass' });
    expect(init.code, init.err).toBe(0);
    const firstKey = (JSON.parse(init.out) as { recoveryKey: string }).recoveryKey;
    const layout = vaultLayout(home);

    const same = await keepsake(['passphrase'], {}, 'first pass\nfirst pass\n');
    expect(same.code).toBe(2);
    expect(same.err).toMatch(/same as the current one/);

    const wrong = await keepsake(['passphrase'], {}, 'not it\nsecond pass\n');
    expect(wrong.code).toBe(4);

    const changed = await keepsake(['passphrase'], {}, 'first pass\nsecond pass\n');
    expect(changed.code, changed.err).toBe(0);
    await expect(unlockKeySlots(layout, { passphrase: 'first pass' })).rejects.toThrowError(expect.objectContaining({ code: 'WRONG_PASSPHRASE' }));
    const master = (await unlockKeySlots(layout, { passphrase: 'second pass' })).masterKey;

    const passFile = join(home, 'pass.txt');
    writeFileSync(passFile, 'second pass\n');
    const kitPath = join(home, 'kit.pdf');
    const rotated = await keepsake(['recovery-key', 'rotate', '--kit', kitPath, '--passphrase-file', passFile, '--json']);
    expect(rotated.code, rotated.err).toBe(0);
    const newKey = (JSON.parse(rotated.out) as { recoveryKey: string }).recoveryKey;
    expect(newKey).not.toBe(firstKey);
    expect(readFileSync(kitPath).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await unlockKeySlots(layout, { recoveryKey: newKey })).masterKey.equals(master)).toBe(true);

    expect((await keepsake(['recovery-key', 'check'], { KEEPSAKE_RECOVERY_KEY: firstKey })).code).toBe(4);
    const ok = await keepsake(['recovery-key', 'check'], {}, `${newKey.toLowerCase().replace(/-/g, ' ')}\n`);
    expect(ok.code, ok.err).toBe(0);

    const htmlPath = join(home, 'kit.html');
    const kit = await keepsake(['kit', htmlPath, '--html'], { KEEPSAKE_RECOVERY_KEY: newKey });
    expect(kit.code, kit.err).toBe(0);
    expect(readFileSync(htmlPath, 'utf8')).toContain(newKey.slice(0, 9));
    const stale = await keepsake(['kit', join(home, 'old.pdf')], { KEEPSAKE_RECOVERY_KEY: firstKey });
    expect(stale.code).toBe(4);
    expect(stale.err).toMatch(/does not open this vault/);
    expect((await keepsake(['recovery-key'])).code).toBe(2);
    // ~20 s alone: eight real processes, each paying real (calibrated) Argon2id. The margin is for a loaded CI machine.
  }, 180_000);
});
