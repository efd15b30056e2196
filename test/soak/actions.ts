// The soak's weighted random actions. Each takes the rig, the model and the seeded random
// source, does one real thing through core code, updates the model with what must now be
// true, and returns a short line for the log. Honest failures (a KeepsakeError from a
// cloud sync whose retry budget ran out under faults) are allowed and counted; anything
// the model says is wrong is a mismatch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKeepsakeError } from '../../common/errors';
import { restoreVault } from '../../main/core/cloud/mirror/restore';
import { mirrorSourceOf } from '../../main/core/cloud/mirror/source';
import { syncToTarget } from '../../main/core/cloud/mirror/sync';
import { eraseItems } from '../../main/core/erasure/erase';
import { runImport } from '../../main/core/intake/import-job';
import { Vault } from '../../main/core/vault/vault';
import { actual, type Expected, listIds, type Model, sha256 } from './model';
import { type Rig, SOAK_PASS } from './rig';

export interface SoakState {
  rig: Rig;
  model: Model;
  random: () => number;
  /** The model as of the last cloud sync that reported success, and the ids erased before it. */
  synced: { model: Model; erasedBefore: Set<string> } | null;
  counter: number;
  slice: number;
  slicesRun: Set<number>;
  /** Per fixture folder: its items as first imported (a re-import puts them back so). */
  fixtureOriginals: Map<string, Map<string, Expected>>;
  stats: { honestSyncFailures: number; faultsInjected: number };
}

export interface Action {
  name: string;
  weight: number;
  /** Returns a log line; throws or returns mismatches via the second element. */
  run(s: SoakState): Promise<{ line: string; mismatches: string[] }>;
}

export const SLICES = 8;
const FIXTURE_INPUTS = ['/work/shared/fixtures/contacts', '/work/shared/fixtures/calendar', '/work/shared/fixtures/notes'];
const quiet = { report() {}, async checkpoint() {} };
const pick = <T>(xs: T[], r: () => number): T | undefined => xs[Math.floor(r() * xs.length)];

/** New items after an import join the model as they read back now (fixtures) — later actions must keep them so. */
async function adoptNew(s: SoakState, before: Set<string>): Promise<string[]> {
  const fresh = listIds(s.rig.vault).filter((id) => !before.has(id) && !s.model.items.has(id));
  for (const id of fresh) s.model.items.set(id, (await actual(s.rig.vault, id))!);
  return fresh;
}

const importFixtures: Action = {
  name: 'import-fixtures',
  weight: 1,
  async run(s) {
    const before = new Set(listIds(s.rig.vault));
    const path = pick(FIXTURE_INPUTS, s.random)!;
    await runImport(s.rig.core, [path], quiet);
    // Re-importing an unchanged source file keeps the person's edits (item-store answers
    // "duplicate" when the source matches an earlier version), so the model is unchanged.
    const originals = s.fixtureOriginals.get(path) ?? new Map();
    const fresh = await adoptNew(s, before);
    for (const id of fresh) originals.set(id, { ...s.model.items.get(id)! });
    s.fixtureOriginals.set(path, originals);
    return { line: `import ${path.split('/').pop()} → ${fresh.length} new`, mismatches: [] };
  },
};

const importGenerated: Action = {
  name: 'import-generated',
  weight: 3,
  async run(s) {
    const n = ++s.counter;
    const k = 1 + Math.floor(s.random() * 6);
    const names = Array.from({ length: k }, (_, i) => `Soak Person ${n}x${i}`);
    const file = join(s.rig.dir, `gen-${n}.vcf`);
    writeFileSync(file, names.map((name, i) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${name}\r\nN:${n}x${i};Soak;;;\r\nTEL;TYPE=cell:+4917${String(n * 10 + i).padStart(8, '0')}\r\nEND:VCARD\r\n`).join(''));
    const before = new Set(listIds(s.rig.vault));
    await runImport(s.rig.core, [file], quiet);
    rmSync(file);
    const fresh = await adoptNew(s, before);
    const mismatches: string[] = [];
    if (fresh.length !== k) mismatches.push(`generated vCard with ${k} contacts gave ${fresh.length} new items`);
    const titles = new Set(fresh.map((id) => s.model.items.get(id)!.title));
    for (const name of names) if (![...titles].some((t) => t.includes(name))) mismatches.push(`contact ${name} not imported`);
    return { line: `import generated ${k} contacts`, mismatches };
  },
};

const phoneSync: Action = {
  name: 'phone-sync',
  weight: 3,
  async run(s) {
    const n = ++s.counter;
    const k = 1 + Math.floor(s.random() * 8);
    const want = new Map<string, string>();
    for (let i = 0; i < k; i++) {
      const rel = `DCIM/Camera/SOAK_${n}_${i}.jpg`;
      const bytes = Buffer.from(`soak photo ${n} ${i} `.repeat(200 + Math.floor(s.random() * 2000)));
      writeFileSync(join(s.rig.phone, rel), bytes);
      want.set(rel, sha256(bytes));
    }
    const before = new Set(listIds(s.rig.vault));
    const summary = await s.rig.agent.sync();
    const mismatches = summary.notAcked.length ? [`phone sync left ${summary.notAcked.length} unacknowledged`] : [];
    const fresh = listIds(s.rig.vault).filter((id) => !before.has(id));
    for (const id of fresh) {
      const got = (await actual(s.rig.vault, id))!;
      const src = s.rig.vault.getItem(id)?.sources.map((x) => x.sourceKey) ?? [];
      const rel = src.find((x) => want.has(x));
      if (!rel) mismatches.push(`phone sync created an item for no new file: ${src.join(',')}`);
      else if (got.file !== want.get(rel)) mismatches.push(`phone file ${rel} stored with different bytes`);
      else want.delete(rel);
      s.model.items.set(id, got);
    }
    for (const rel of want.keys()) mismatches.push(`phone file ${rel} acknowledged but not in the vault`);
    return { line: `phone sync ${k} photos`, mismatches };
  },
};

const edit: Action = {
  name: 'edit',
  weight: 2,
  async run(s) {
    const id = pick([...s.model.items.keys()], s.random);
    if (!id) return { line: 'edit: nothing to edit', mismatches: [] };
    const n = ++s.counter;
    const title = `edited ${n}`;
    const text = `soak edit ${n}: ${'x'.repeat(Math.floor(s.random() * 50))}`;
    await s.rig.vault.updateItem(id, { title, text });
    const e = s.model.items.get(id)!;
    s.model.items.set(id, { ...e, title, text });
    return { line: `edit ${id.slice(0, 8)}`, mismatches: [] };
  },
};

const erase: Action = {
  name: 'erase',
  weight: 1,
  async run(s) {
    const id = pick([...s.model.items.keys()], s.random);
    if (!id) return { line: 'erase: nothing to erase', mismatches: [] };
    await eraseItems(s.rig.core, s.rig.vault, { itemIds: [id], scope: 'soak' });
    s.model.items.delete(id);
    s.model.erased.add(id);
    const back = s.rig.vault.getItem(id) ? [`erased item ${id} still readable`] : [];
    return { line: `erase ${id.slice(0, 8)}`, mismatches: back };
  },
};

const cloudSync: Action = {
  name: 'cloud-sync',
  weight: 2,
  async run(s) {
    const before = Object.entries(s.rig.proxy.stats).filter(([k]) => k !== 'passed').reduce((n, [, v]) => n + v, 0);
    try {
      const r = await syncToTarget(mirrorSourceOf(s.rig.vault), { targetId: s.rig.targetId, target: s.rig.target, store: s.rig.cloud, retry: { attempts: 8, baseMs: 5, maxMs: 200, maxRetryAfterMs: 2000, random: s.random, sleep: (ms) => new Promise((res) => setTimeout(res, ms)) } });
      s.synced = { model: s.model.clone(), erasedBefore: new Set(s.model.erased) };
      return { line: `cloud sync #${r.counter} (${r.packs.uploaded} packs up, ${r.retries} retries)`, mismatches: [] };
    } catch (e) {
      if (!isKeepsakeError(e)) throw e;
      s.stats.honestSyncFailures++;
      return { line: `cloud sync failed honestly: ${e.message.slice(0, 80)}`, mismatches: [] };
    } finally {
      const after = Object.entries(s.rig.proxy.stats).filter(([k]) => k !== 'passed').reduce((n, [, v]) => n + v, 0);
      s.stats.faultsInjected += after - before;
    }
  },
};

const compact: Action = {
  name: 'compaction',
  weight: 1,
  async run(s) {
    const r = await s.rig.vault.compact();
    return { line: `compaction ${JSON.stringify(r).slice(0, 80)}`, mismatches: await s.model.compare(s.rig.vault, { sample: 0.2, random: s.random }) };
  },
};

const restoreCompare: Action = {
  name: 'restore-and-compare',
  weight: 1,
  async run(s) {
    // local: everything in the model reads back exactly; nothing else is there
    const mismatches = await s.model.compare(s.rig.vault);
    // cloud: a wiped computer restores the last successful sync with only the recovery key
    if (s.synced && s.random() < 0.5) {
      const fresh = mkdtempSync(join(s.rig.dir, 'restore-'));
      rmSync(fresh, { recursive: true, force: true });
      const target = s.rig.cleanTarget();
      try {
        await restoreVault(fresh, target, s.rig.recoveryKey, { fastKdfForTests: true });
        const v = await Vault.open(fresh, { recoveryKey: s.rig.recoveryKey }, { fastKdfForTests: true });
        try {
          const ids = new Set(listIds(v));
          for (const [id, want] of s.synced.model.items) {
            if (!ids.has(id)) mismatches.push(`cloud restore lacks ${id}`);
            else if (JSON.stringify(await actual(v, id)) !== JSON.stringify(want)) mismatches.push(`cloud restore differs for ${id}`);
          }
          for (const id of s.synced.erasedBefore) if (ids.has(id)) mismatches.push(`cloud restore holds erased ${id}`);
        } finally {
          v.close();
        }
      } finally {
        await target.close();
        rmSync(fresh, { recursive: true, force: true });
      }
      return { line: `restore-and-compare (local + cloud, ${s.synced.model.items.size} items)`, mismatches };
    }
    return { line: `restore-and-compare (local, ${s.model.items.size} items)`, mismatches };
  },
};

const partialCheck: Action = {
  name: 'read-check-subset',
  weight: 1,
  async run(s) {
    s.slice = (s.slice % SLICES) + 1;
    const r = await s.rig.vault.check({ readData: true, subset: `${s.slice}/${SLICES}` });
    s.slicesRun.add(s.slice);
    return { line: `check --read-data-subset ${s.slice}/${SLICES}: ${r.packsChecked} packs`, mismatches: r.problems.map((p) => `check: ${JSON.stringify(p)}`) };
  },
};

const secondInstance: Action = {
  name: 'second-instance',
  weight: 1,
  async run(s) {
    // another Keepsake process (the CLI) must be refused while this one has the vault open
    const r = spawnSync(process.execPath, ['bin/keepsake.mjs', 'stats'], { env: { ...process.env, KEEPSAKE_HOME: s.rig.home, KEEPSAKE_PASSPHRASE: SOAK_PASS }, encoding: 'utf8', input: '' });
    const out = `${r.stdout}${r.stderr}`;
    const refused = r.status !== 0 && /open in another Keepsake process/.test(out);
    return { line: `second instance ${refused ? 'refused' : 'NOT refused'}`, mismatches: refused ? [] : [`a second process was not refused (exit ${r.status}): ${out.slice(0, 200)}`] };
  },
};

export const ACTIONS: Action[] = [secondInstance, importFixtures, importGenerated, phoneSync, edit, erase, cloudSync, compact, restoreCompare, partialCheck];

export function choose(random: () => number): Action {
  const total = ACTIONS.reduce((n, a) => n + a.weight, 0);
  let x = random() * total;
  for (const a of ACTIONS) if ((x -= a.weight) < 0) return a;
  return ACTIONS.at(-1)!;
}
