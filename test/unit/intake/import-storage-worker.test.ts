// The import job with records stored on the storage worker (main/core/vault/storage-worker.ts)
// against the same import stored on this thread: the same report (per file status and
// counts, refusals) and the same vault contents, for generated SMS in several batches
// plus real exports (messages with MMS attachments, contacts, calendar); a re-import adds
// nothing on either path; a cancel keeps exactly the batches committed before it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../../common/errors';
import { Core } from '../../../main/core/core';
import { cliReport, runImport, type ImportControl } from '../../../main/core/intake/import-job';
import { silentLog } from '../../../main/core/log';
import { all, get, sql } from '../../../main/core/vault/sql';
import { configureStorageWorker, storageCounts } from '../../../main/core/vault/storage-worker';
import { Vault } from '../../../main/core/vault/vault';
import { FIXTURES } from './records/helpers';

let dir: string;
let restore: ReturnType<typeof configureStorageWorker>;
const cores: Core[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keepsake-import-storage-worker-'));
  restore = configureStorageWorker({});
});
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  configureStorageWorker(restore);
  rmSync(dir, { recursive: true, force: true });
});

async function coreIn(name: string): Promise<Core> {
  const core = new Core({ dataFolder: join(dir, name), hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(core.dataFolder, 'correct horse battery staple', { fastKdfForTests: true })).vault;
  cores.push(core);
  return core;
}

const quiet = (checkpoint: () => Promise<void> = async () => {}): ImportControl => ({ report() {}, checkpoint });
const N = 3500;
const options = { recordBatchItems: 1000 };

function smsFile(): string {
  // The last 100 repeat the first 100 exactly: 3,400 items from 3,500 messages.
  const lines = Array.from({ length: N }, (_, n) => `<sms address="+4930${n % 3400}" date="${1_650_000_000_000 + (n % 3400) * 1000}" type="1" body="Worker test ${n % 3400}" read="1" />`);
  const path = join(dir, 'sms-worker.xml');
  writeFileSync(path, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${N}">\n${lines.join('\n')}\n</smses>\n`);
  return path;
}

/** What the vault holds, independent of ids and keys. */
function contents(core: Core): unknown {
  const db = core.vault!.indexDb;
  return {
    byCategory: core.vault!.stats().byCategory,
    sources: get<{ n: number }>(db, sql`SELECT count(*) AS n FROM item_sources`)!.n,
    titles: all<{ t: string }>(db, sql`SELECT category || ':' || title || ':' || coalesce(occurred_at, '') AS t FROM items ORDER BY t`).map((r) => r.t),
    hits: core.vault!.search('Worker test 1234').length,
  };
}

describe('import job with the storage worker', () => {
  it('gives the same report and vault contents as storing on this thread, and a re-import adds nothing', async () => {
    const paths = [smsFile(), join(FIXTURES, 'messages/sbr2__sms_and_mms.xml'), join(FIXTURES, 'contacts'), join(FIXTURES, 'calendar/ical4j__korganizer_sample.ics')];
    const outcome = async (mode: 'off' | 'always') => {
      configureStorageWorker({ mode });
      const core = await coreIn(mode);
      const first = cliReport(await runImport(core, paths, quiet(), undefined, options));
      const again = await runImport(core, paths, quiet(), undefined, options);
      return { first, again: again.files.map((f) => [f.status, f.added]), contents: contents(core) };
    };
    const here = await outcome('off');
    const before = storageCounts.onWorker;
    const onWorker = await outcome('always');
    expect(storageCounts.onWorker - before).toBeGreaterThanOrEqual(8); // 4 SMS batches per import, and more
    expect(onWorker).toEqual(here);
    expect(onWorker.first.totals.message).toBeGreaterThan(N);
    expect(onWorker.again.every(([status, added]) => status !== 'imported' || added === 0)).toBe(true);
    expect((onWorker.contents as { byCategory: Record<string, number> }).byCategory.message).toBe(3400 + (here.first.totals.message! - N));
  }, 120_000);

  it('a cancel keeps exactly the batches committed before it; a rerun stores the rest', async () => {
    configureStorageWorker({ mode: 'always' });
    const core = await coreIn('cancel');
    const path = smsFile();
    const items = () => get<{ n: number }>(core.vault!.indexDb, sql`SELECT count(*) AS n FROM items`)!.n;
    const cancelAfterTwo = async () => {
      if (items() >= 2000) throw new KeepsakeError('CANCELLED', 'Cancelled.');
    };
    await expect(runImport(core, [path], quiet(cancelAfterTwo), undefined, options)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(items()).toBe(2000);
    const rerun = await runImport(core, [path], quiet(), undefined, options);
    expect(rerun.files[0]).toMatchObject({ status: 'imported', items: { message: N }, added: 1400 });
    expect(items()).toBe(3400);
  }, 60_000);
});
