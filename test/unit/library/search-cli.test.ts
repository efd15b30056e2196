// `keepsake search` as scripts use it: a real vault (init + import of a real vCard fixture),
// grouped JSON, plain text, filters, and plain-words errors with a non-zero status.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../vault/helpers';

const FIXTURES = process.env.KEEPSAKE_FIXTURES ?? join(process.cwd(), '..', 'shared', 'fixtures');
let t: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;

function ks(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/keepsake.mjs', ...args], { env, encoding: 'utf8', input: '' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  t = tempDir('ks-search-cli-');
  env = { ...process.env, KEEPSAKE_HOME: join(t.dir, 'home'), KEEPSAKE_PASSPHRASE: 'search cli test passphrase' };
  expect(ks(['init', '--json']).status).toBe(0);
  expect(ks(['import', join(FIXTURES, 'contacts/ezvcard__John_Doe_IPHONE.vcf'), '--json']).status).toBe(0);
}, 120_000);
afterAll(() => t.cleanup());

describe('keepsake search', () => {
  it('finds the imported contact by number and by prefix, grouped, as JSON and text', () => {
    const json = ks(['search', '905', '555', '--json']);
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { groups: Array<{ category: string; hits: Array<{ title: string; snippet: string }> }> };
    expect(out.groups.map((g) => g.category)).toEqual(['contact']);
    expect(out.groups[0]!.hits[0]!.title).toBe('Mr. John Richter James Doe Sr.');
    const text = ks(['search', 'Rich*']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('contact (1)');
    expect(text.stdout).toContain('Mr. John Richter James Doe Sr.');
    expect(ks(['search', 'Richter', '--category', 'message', '--json']).stdout).toContain('"groups":[]');
  }, 60_000);

  it('bad input is a plain message and a non-zero status', () => {
    const none = ks(['search']);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain('Give some words to search for');
    const cat = ks(['search', 'x', '--category', 'nope']);
    expect(cat.status).not.toBe(0);
    expect(cat.stderr).toContain('Unknown category "nope"');
    expect(ks(['search', 'x', '--from', 'yesterday-ish']).stderr).toContain('--from must be a date');
  }, 60_000);
});
