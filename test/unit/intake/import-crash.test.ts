// Resume after a crash (RELIABILITY row 1, for imports): `keepsake import` is killed with
// SIGKILL part-way through, then run again. The vault opens, the rerun finishes the job
// (files finished before the kill come from the checkpoint table, the cut-off file is read
// again and its stored items come back as duplicates), and the vault holds every item
// exactly once. Where the kill lands varies; the outcome asserted does not depend on it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './records/helpers';

const dir = mkdtempSync(join(tmpdir(), 'keepsake-import-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, KEEPSAKE_HOME: join(dir, 'home'), KEEPSAKE_PASSPHRASE: 'crash test passphrase' };
const N = 6000;

function smsFile(path: string): void {
  let s = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${N}">\n`;
  for (let n = 0; n < N; n++) s += `  <sms protocol="0" address="+4915${String(n).padStart(8, '0')}" date="${1_650_000_000_000 + n * 60_000}" type="${1 + (n % 2)}" body="crash test ${n}" read="1" />\n`;
  writeFileSync(path, `${s}</smses>\n`);
}

describe('import after a crash', () => {
  it('a rerun after SIGKILL completes the import with every item exactly once', async () => {
    const sms = join(dir, 'sms-big.xml');
    smsFile(sms);
    const paths = [join(FIXTURES, 'contacts'), sms, join(FIXTURES, 'calendar/ical4j__korganizer_sample.ics')];
    expect(spawnSync(process.execPath, ['bin/keepsake.mjs', 'init'], { env, encoding: 'utf8' }).status).toBe(0);

    const child = spawn(process.execPath, ['bin/keepsake.mjs', 'import', ...paths, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.once('exit', r)); // may happen before the kill
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    // Kill once the child has had time to open the vault and store some batches.
    await new Promise((r) => setTimeout(r, 4000));
    child.kill('SIGKILL');
    await exited;

    const rerun = spawnSync(process.execPath, ['bin/keepsake.mjs', 'import', ...paths, '--json'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(rerun.status, rerun.stderr).toBe(0);
    const report = JSON.parse(rerun.stdout) as { files: Array<{ path: string; status: string; items: Record<string, number> }>; totals: Record<string, number> };
    expect(report.totals).toEqual({ contact: 41, message: N, event: 2 });
    expect(report.files).toHaveLength(32);
    const stats = JSON.parse(spawnSync(process.execPath, ['bin/keepsake.mjs', 'stats', '--json'], { env, encoding: 'utf8' }).stdout) as { stats: { byCategory: Record<string, number> } };
    expect(stats.stats.byCategory).toEqual({ contact: 41, message: N, event: 2 });
    if (out) expect(JSON.parse(out).totals).toEqual(report.totals); // the first run finished before the kill
    const check = spawnSync(process.execPath, ['bin/keepsake.mjs', 'check'], { env, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  }, 180_000);
});
