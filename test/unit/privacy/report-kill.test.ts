// A privacy report killed mid-run (issue #8 follow-up): the hidden temporary folder holds
// plaintext originals, records and standard-format files and is on the data map as an
// export location. After a restart, erasing an item must leave no plaintext of it anywhere
// under the destination, and the receipt must not call a folder erased that still holds
// it; a later report (another day) also clears the leftover. The kill is a checkpoint that
// never returns, in the middle of the item pass; the restart is a second Core opening the
// same vault (the hung run's memory is gone with the old one, as after a real kill).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { eraseItems } from '../../../main/core/erasure/erase';
import { silentLog } from '../../../main/core/log';
import { runPrivacyReport } from '../../../main/core/privacy-report/report-job';
import { all, get, sql } from '../../../main/core/vault/sql';
import { Vault } from '../../../main/core/vault/vault';
import { cleanup, FIXTURES, importPaths, newCore, PASS, quiet, tempDir, TestClock } from '../recovery/helpers';

const EMAIL = join(FIXTURES, 'email', 'mail__basic_email_lf.eml');
/** Its Message-Id: in the original, the mbox, and its record. */
const TOKEN = '6B7EC235-5B17-4CA8-B2B8-39290DEB43A3';
const SOURCES = [EMAIL, join(FIXTURES, 'contacts', 'ezvcard__John_Doe_IPHONE.vcf'), join(FIXTURES, 'messages', 'sbr2__sms_small.xml'), join(FIXTURES, 'notes', 'enex__test-task-lists.enex')];

function files(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}
const holding = (root: string, needle: string): string[] => files(root).filter((p) => readFileSync(p).includes(needle));

let dir: string;
let out: string;
let clock: TestClock;
let core: Core;

beforeEach(async () => {
  dir = tempDir('report-kill');
  out = join(dir, 'out');
  clock = new TestClock();
  core = await newCore(dir, clock);
  await importPaths(core, SOURCES);
});
afterEach(async () => {
  await core.close();
  cleanup(dir);
});

/** Runs a report that hangs for good once the item pass is past every e-mail; returns the "restarted" Core. */
async function killedReport(): Promise<Core> {
  const db = core.vault!.indexDb;
  const beforeMessages = get<{ n: number }>(db, sql`SELECT count(*) AS n FROM items WHERE category < 'message'`)!.n;
  let phase = '';
  let done = 0;
  let hung!: () => void;
  const hanging = new Promise<void>((r) => (hung = r));
  void runPrivacyReport(core, out, {
    report(p) {
      phase = p.phase ?? phase;
      done = p.done ?? done;
    },
    checkpoint() {
      if (phase.startsWith('Writing originals') && done > beforeMessages) {
        hung();
        return new Promise<void>(() => undefined); // killed here: never returns
      }
      return Promise.resolve();
    },
  });
  await hanging;
  const [tmp] = readdirSync(out);
  expect(tmp).toMatch(/^\.Keepsake data 2026-01-15\.keepsake-tmp$/);
  // The leftover really holds the e-mail in clear (original, mbox, record), and is on the data map.
  expect(holding(join(out, tmp!), TOKEN).length).toBeGreaterThanOrEqual(2);
  expect(all<{ ref: string }>(db, sql`SELECT ref FROM locations WHERE kind = 'export'`).map((r) => r.ref)).toEqual([join(out, tmp!)]);

  core.vault!.close();
  const again = new Core({ dataFolder: core.dataFolder, hostKind: 'cli', log: silentLog, clock });
  again.vault = await Vault.open(core.dataFolder, { passphrase: PASS }, { fastKdfForTests: true });
  core = again;
  return again;
}

describe('a privacy report killed mid-run', () => {
  it('then an erase: no plaintext of the item is left under the destination, and the receipt claims no erased folder that still holds it', async () => {
    const restarted = await killedReport();
    const vault = restarted.vault!;
    const email = all<{ id: string }>(vault.indexDb, sql`SELECT id FROM items WHERE category = 'email'`);
    expect(email).toHaveLength(1);

    const receipt = await eraseItems(restarted, vault, { itemIds: [email[0]!.id], scope: '1 e-mail' });

    expect(holding(out, TOKEN)).toEqual([]);
    expect(readdirSync(out)).toEqual([]); // the abandoned temporary went whole
    expect(all(vault.indexDb, sql`SELECT ref FROM locations WHERE kind = 'export'`)).toEqual([]);
    expect(all(vault.indexDb, sql`SELECT path FROM recovery_files`)).toEqual([]);
    // Every line that says erased is about a place that no longer holds the item.
    expect(receipt.locations.map((l) => [l.kind, l.outcome])).toEqual([['vault', 'erased']]);
  }, 120_000);

  it('an erase while a report runs deletes the files already written for the item, and the report then keeps nothing', async () => {
    const db = core.vault!.indexDb;
    const beforeMessages = get<{ n: number }>(db, sql`SELECT count(*) AS n FROM items WHERE category < 'message'`)!.n;
    let phase = '';
    let done = 0;
    let paused!: () => void;
    const pausedAt = new Promise<void>((r) => (paused = r));
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    let held = false;
    const running = runPrivacyReport(core, out, {
      report(p) {
        phase = p.phase ?? phase;
        done = p.done ?? done;
      },
      async checkpoint() {
        if (!held && phase.startsWith('Writing originals') && done > beforeMessages) {
          held = true;
          paused();
          await gate;
        }
      },
    });
    const outcome = running.then(
      () => 'finished',
      (e: unknown) => (e as { code?: string }).code ?? String(e),
    );
    await pausedAt;
    expect(holding(out, TOKEN).length).toBeGreaterThanOrEqual(2);
    const email = all<{ id: string }>(db, sql`SELECT id FROM items WHERE category = 'email'`)[0]!.id;
    const receipt = await eraseItems(core, core.vault!, { itemIds: [email], scope: '1 e-mail' });
    // The running report's folder is not swept, but every file it holds of e-mail is deleted (checked).
    expect(holding(out, TOKEN)).toEqual([]);
    expect(receipt.locations.find((l) => l.kind === 'export')).toMatchObject({ outcome: 'erased' });
    resume();
    expect(await outcome).toBe('CONFLICT');
    expect(readdirSync(out)).toEqual([]);
    expect(all(db, sql`SELECT ref FROM locations WHERE kind = 'export'`)).toEqual([]);
  }, 120_000);

  it('a report on a later day clears the leftover of the killed one', async () => {
    const restarted = await killedReport();
    clock.t += 2 * 86_400_000;
    const r = await runPrivacyReport(restarted, out, quiet);
    expect(r.dir).toBe(join(out, 'Keepsake data 2026-01-17'));
    expect(readdirSync(out)).toEqual(['Keepsake data 2026-01-17']);
    expect(all<{ ref: string }>(restarted.vault!.indexDb, sql`SELECT ref FROM locations WHERE kind = 'export'`).map((x) => x.ref)).toEqual([r.dir]);
  }, 120_000);
});
