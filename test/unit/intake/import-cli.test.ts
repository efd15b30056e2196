// `keepsake import <path…> --json` as scripts and other checks use it (issue 4's interface):
// exactly one JSON document { files: [{ path, status, items, reason? }], totals, … } on
// stdout, exit 0 when every file was imported or deliberately refused with a reason, and
// a second run reporting everything as already present.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './records/helpers';

const dir = mkdtempSync(join(tmpdir(), 'keepsake-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, KEEPSAKE_HOME: join(dir, 'home'), KEEPSAKE_PASSPHRASE: 'import cli test passphrase' };

function ks(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/keepsake.mjs', ...args], { env, encoding: 'utf8', input: '' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('keepsake import', () => {
  it('prints one JSON report, exits 0 with refusals explained, and adds nothing the second time', () => {
    expect(ks(['init', '--json']).status).toBe(0);
    const paths = [join(FIXTURES, 'messages'), join(FIXTURES, 'contacts/ezvcard__gmail-list.vcf'), join(dir, 'not-there.vcf')];
    const first = ks(['import', ...paths, '--json']);
    expect(first.status).toBe(0);
    const doc = JSON.parse(first.stdout) as { files: Array<Record<string, unknown>>; totals: Record<string, number> };
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(doc.totals).toEqual({ message: 81, call: 1, contact: 3 });
    expect(doc.files).toHaveLength(13);
    for (const f of doc.files) {
      expect(Object.keys(f).sort()).toEqual(f.status === 'refused' ? ['items', 'path', 'reason', 'status'] : ['items', 'path', 'status']);
      expect(['imported', 'duplicate', 'tombstoned', 'refused']).toContain(f.status);
    }
    expect(doc.files.find((f) => String(f.path).endsWith('not-there.vcf'))).toEqual({ path: join(dir, 'not-there.vcf'), status: 'refused', items: {}, reason: 'There is no such file or folder, or it cannot be read.' });
    expect(doc.files.find((f) => String(f.path).endsWith('shruggie__malformed.xml'))).toMatchObject({ status: 'refused', reason: expect.stringMatching(/XML is broken at line 4/) });
    expect(doc.files.find((f) => String(f.path).endsWith('ezvcard__gmail-list.vcf'))).toEqual({ path: join(FIXTURES, 'contacts/ezvcard__gmail-list.vcf'), status: 'imported', items: { contact: 3 } });

    const second = ks(['import', ...paths, '--json']);
    expect(second.status).toBe(0);
    const again = JSON.parse(second.stdout) as { files: Array<{ status: string; items: Record<string, number> }> };
    for (const f of again.files) if (Object.keys(f.items).length) expect(f.status).toBe('duplicate');

    const human = ks(['import', join(FIXTURES, 'contacts/ezvcard__gmail-list.vcf')]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('duplicate (3 contacts)');
    expect(ks(['import', '--json']).status).toBe(2); // no paths: BAD_INPUT
  }, 120_000);
});
