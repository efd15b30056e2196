// Rows 35 and 47: no plaintext at rest, no secrets or personal data in logs. A whole
// workflow runs through the real CLI at debug log level — create a vault, import records
// and a photo folder carrying a unique canary, search, back up, mirror to a folder target,
// erase something — then every file Keepsake wrote (index, WAL, packs, key slots,
// settings, logs, staging, the cloud folder) is searched for the canary, the passphrase,
// the recovery key and the phone number. The index must also refuse to open as plain SQLite.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../support/temp-home';

const run = promisify(execFile);
const CANARY = 'KSCANARY8d1f2e';
const PHONE = '+44 7700 900461';
const PASSPHRASE = 'canary workflow passphrase orbit 42';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('canary scan after a full workflow (rows 35, 47)', () => {
  const work = tempHome('ks-canary-');
  const home = join(work.path, 'data');
  const cloud = join(work.path, 'cloud');
  const input = join(work.path, 'input');
  const env = { ...process.env, KEEPSAKE_HOME: home, KEEPSAKE_PASSPHRASE: PASSPHRASE, KEEPSAKE_LOG_LEVEL: 'debug' };
  const ks = (...args: string[]) => run(process.execPath, ['bin/keepsake.mjs', ...args], { env, timeout: 120_000 });
  let recoveryKey = '';

  beforeAll(async () => {
    mkdirSync(join(input, 'DCIM'), { recursive: true });
    mkdirSync(cloud);
    writeFileSync(
      join(input, 'contacts.vcf'),
      `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${CANARY} Person\r\nN:Person;${CANARY};;;\r\nTEL;TYPE=CELL:${PHONE}\r\nNOTE:secret ${CANARY}\r\nEND:VCARD\r\n`,
    );
    writeFileSync(join(input, 'DCIM', 'note.txt'), `A note that mentions ${CANARY} and ${PHONE}.`);
    const init = await ks('init');
    recoveryKey = /([0-9A-Z]{4}(?:-[0-9A-Z]{4}){6,})/.exec(init.stdout)?.[1] ?? '';
    expect(recoveryKey).not.toBe('');
    await ks('import', join(input, 'contacts.vcf'));
    await ks('backup', join(input, 'DCIM'));
    await ks('target', 'add', 'folder', cloud);
    await ks('sync');
    const erased = await ks('erase', '--query', CANARY, '--yes', '--json');
    expect(JSON.parse(erased.stdout).receipt.counts).toEqual({ contact: 1 });
  }, 300_000);
  afterAll(() => work.remove());

  it('finds no canary, phone number, passphrase or recovery key in any file Keepsake wrote', () => {
    const needles = [CANARY, PHONE, PASSPHRASE, recoveryKey, recoveryKey.replace(/-/g, '')].map((s) => Buffer.from(s));
    const files = [...walk(home), ...walk(cloud)];
    expect(files.some((f) => f.includes(`${join('logs', 'keepsake.log')}`))).toBe(true);
    expect(files.length).toBeGreaterThan(5);
    expect(walk(cloud).length).toBeGreaterThan(2);
    // Negative control: the same scan does find the canary where it is in plain text.
    expect(readFileSync(join(input, 'contacts.vcf')).includes(Buffer.from(CANARY))).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `${f} contains a secret or personal data`).toBe(false);
    }
  });

  it('keeps every data file owner-only', () => {
    for (const f of walk(home)) expect(statSync(f).mode & 0o077, f).toBe(0);
  });

  it('refuses to open the index as a plain SQLite database', () => {
    const db = new Database(join(home, 'vault', 'index.db'), { readonly: true });
    expect(() => db.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database|encrypted/i);
    db.close();
  });
});
