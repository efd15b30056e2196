// The operations the kill-loop harness drives (import, backup, compaction/GC, erasure,
// restore, cloud sync to a folder and to s3rver, phone sync agent → gateway): each one's
// setup, child arguments and the check after every kill — the vault's own check, then
// every acknowledged thing present and hash-equal, and no partial item visible.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CloudStore } from '../../../main/core/cloud/mirror/cloud-store';
import { restoreVault } from '../../../main/core/cloud/mirror/restore';
import { Vault } from '../../../main/core/vault/vault';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { contentFor, CRASH_CHUNKS, CRASH_PASS, crashItem } from '../vault-crash-fixture';
import type { Ack, KillLoopOperation, Verdict } from './kill-loop';
import type { TargetSpec } from './targets';

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function openVault(home: string): Promise<Vault> {
  return Vault.open(home, { passphrase: CRASH_PASS }, { fastKdfForTests: true, chunker: CRASH_CHUNKS });
}

export async function readItem(vault: Vault, id: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of vault.readFile(id)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Every visible item: title → id. */
export function visibleItems(vault: Vault): Map<string, string> {
  const out = new Map<string, string>();
  for (let page = vault.listItems({ limit: 500 }); page.length; page = vault.listItems({ limit: 500, after: page.at(-1)!.cursor })) {
    for (const s of page) out.set(s.title, s.id);
  }
  return out;
}

/** The vault's own check; its problems as plain strings. */
async function checkProblems(vault: Vault, readData: boolean): Promise<string[]> {
  const r = await vault.check({ readData });
  return r.problems.map((p) => JSON.stringify(p));
}

/**
 * Shared verdict for vaults of generated items: the vault's check, no partial item visible
 * (each item's bytes follow from its key), every acked key present. Items already read
 * whole in an earlier run (`whole`) are only looked up; their bytes stay covered by the
 * --read-data check every few runs.
 */
async function verdictFor(vault: Vault, readData: boolean, ackedKeys: Iterable<string>, mustBeAbsent: Iterable<string> = [], whole: Set<string> = new Set()): Promise<Verdict & { items: Map<string, string> }> {
  const problems = await checkProblems(vault, readData);
  const items = visibleItems(vault);
  const other: string[] = [];
  for (const [key, id] of items) {
    if (whole.has(key)) continue;
    if (!(await readItem(vault, id)).equals(contentFor(key))) other.push(`partial or wrong item visible: ${key}`);
    else whole.add(key);
  }
  for (const key of mustBeAbsent) if (items.has(key)) other.push(`erased item came back: ${key}`);
  const lost = [...new Set(ackedKeys)].filter((k) => !items.has(k));
  return { corrupt: problems.length > 0, lost, problems: [...problems, ...other], items };
}

export async function createVault(home: string): Promise<string> {
  const { vault, recoveryKey } = await Vault.create(home, CRASH_PASS, { fastKdfForTests: true });
  vault.close();
  return recoveryKey;
}

/** Item batches stored the way the importers store them (putItems), ack after each batch. */
export function importOperation(dir: string): KillLoopOperation {
  const E = 25;
  const home = (i: number): string => join(dir, `import-home-${Math.floor(i / E)}`);
  let whole = new Set<string>();
  return {
    name: 'import',
    maxDelayMs: 500,
    epochLength: E,
    before: async (i) => {
      if (i % E) return;
      if (i) rmSync(home(i - 1), { recursive: true, force: true });
      whole = new Set();
      await createVault(home(i));
    },
    args: (i) => ['put', home(i), String(i)],
    async verify(acks, { iteration, readData }) {
      const vault = await openVault(home(iteration));
      try {
        return await verdictFor(vault, readData, acks.flatMap((a) => a.keys as string[]), [], whole);
      } finally {
        vault.close();
      }
    },
  };
}

/** Folder backups of a growing tree; every acked snapshot restores to exactly its files. */
export function backupOperation(dir: string): KillLoopOperation {
  const E = 25;
  const home = (i: number): string => join(dir, `backup-home-${Math.floor(i / E)}`);
  const src = (i: number): string => join(dir, `backup-src-${Math.floor(i / E)}`);
  return {
    name: 'backup',
    maxDelayMs: 800,
    epochLength: E,
    before: async (i) => {
      if (i % E === 0) {
        if (i) for (const d of [home(i - 1), src(i - 1)]) rmSync(d, { recursive: true, force: true });
        await createVault(home(i));
        mkdirSync(src(i), { recursive: true });
      }
      for (let j = 0; j < 4; j++) writeFileSync(join(src(i), `f${i}-${j}`), contentFor(`file-${i}-${j}`));
    },
    args: (i) => ['backup', home(i), src(i)],
    async verify(acks, { iteration, readData }) {
      const vault = await openVault(home(iteration));
      const out = join(dir, `backup-out-${iteration}`);
      try {
        const problems = await checkProblems(vault, readData);
        const lost: string[] = [];
        const other: string[] = [];
        // the newest acknowledged snapshot restores to exactly the files it was acked with
        const last = acks.at(-1);
        if (last) {
          await vault.restoreSnapshot(last.snapshot as number, out);
          const names = readdirSync(out).sort();
          for (const f of last.files as string[]) {
            if (!names.includes(f)) lost.push(`snapshot ${String(last.snapshot)}: ${f}`);
            else if (!readFileSync(join(out, f)).equals(contentFor(`file-${f.slice(1)}`))) lost.push(`snapshot ${String(last.snapshot)}: ${f} differs`);
          }
          if (names.length !== (last.files as string[]).length) other.push(`snapshot ${String(last.snapshot)} restored ${names.length} files, acked with ${(last.files as string[]).length}`);
        }
        return { corrupt: problems.length > 0, lost, problems: [...problems, ...other] };
      } finally {
        vault.close();
        rmSync(out, { recursive: true, force: true });
      }
    },
  };
}

/** Compaction of a vault with ~30 % garbage; survivors whole, erased items stay gone, a rerun finishes. */
export function compactOperation(dir: string): KillLoopOperation {
  const E = 25;
  const home = (i: number): string => join(dir, `compact-home-${Math.floor(i / E)}`);
  const alive = new Map<string, string>();
  const erased = new Set<string>();
  return {
    name: 'compaction',
    maxDelayMs: 150, // compaction of one epoch's vault takes ~100-300 ms here; most kills must land inside it
    epochLength: E,
    before: async (i, random) => {
      if (i % E === 0) {
        if (i) rmSync(home(i - 1), { recursive: true, force: true });
        alive.clear();
        erased.clear();
        await createVault(home(i));
      }
      const vault = await openVault(home(i));
      try {
        const keys = Array.from({ length: 15 }, (_, j) => `g${i}-${j}`);
        const res = await vault.putItems(keys.map(crashItem));
        res.forEach((r, j) => alive.set(keys[j]!, r.id));
        const victims = [...alive.keys()].filter(() => random() < 0.3);
        await vault.destroyItems(victims.map((k) => alive.get(k)!));
        for (const k of victims) {
          alive.delete(k);
          erased.add(k);
        }
      } finally {
        vault.close();
      }
    },
    args: (i) => ['compact', home(i)],
    async verify(_acks, { iteration, readData }) {
      const vault = await openVault(home(iteration));
      try {
        const v = await verdictFor(vault, readData, alive.keys(), erased);
        // a rerun of compaction finishes and leaves a clean vault
        await vault.compact();
        const after = await checkProblems(vault, false);
        return { ...v, problems: [...v.problems, ...after.map((p) => `after rerun: ${p}`)] };
      } finally {
        vault.close();
      }
    },
  };
}

/** Full erasure (eraseItems: receipt, snapshots, packs) item by item. */
export function eraseOperation(dir: string): KillLoopOperation {
  const E = 25;
  const home = (i: number): string => join(dir, `erase-home-${Math.floor(i / E)}`);
  const kept = new Set<string>();
  const victims = new Set<string>();
  let whole = new Set<string>();
  return {
    name: 'erasure',
    maxDelayMs: 350,
    epochLength: E,
    before: async (i) => {
      if (i % E === 0) {
        if (i) rmSync(home(i - 1), { recursive: true, force: true });
        kept.clear();
        victims.clear();
        whole = new Set();
        await createVault(home(i));
      }
      const vault = await openVault(home(i));
      try {
        const keys = Array.from({ length: 8 }, (_, j) => (j % 2 ? `e${i}-victim-${j}` : `e${i}-keep-${j}`));
        await vault.putItems(keys.map(crashItem));
        for (const k of keys) (k.includes('-victim-') ? victims : kept).add(k);
        await vault.createSnapshot({ label: `erase-${i}` });
      } finally {
        vault.close();
      }
    },
    args: (i) => ['erase', home(i)],
    async verify(acks, { iteration, readData }) {
      const erased = acks.filter((a) => a.erased).map((a) => a.erased as string);
      const vault = await openVault(home(iteration));
      try {
        const v = await verdictFor(vault, readData, kept, erased, whole);
        // a victim may be gone only if its erase had started ("erasing" logged first)
        const started = new Set(acks.filter((a) => a.erasing).map((a) => a.erasing as string));
        for (const k of victims) if (!v.items.has(k) && !started.has(k)) v.lost.push(`${k} vanished without an erase`);
        return { corrupt: v.corrupt, lost: v.lost, problems: v.problems };
      } finally {
        vault.close();
      }
    },
  };
}

function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), sha(readFileSync(p)));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** Folder restore of a 300-file snapshot: no partial file under a final name; a rerun completes bit-identically. */
export function restoreOperation(dir: string): KillLoopOperation {
  const home = join(dir, 'restore-home');
  const src = join(dir, 'restore-src');
  let snapshot = 0;
  let expected = new Map<string, string>();
  return {
    name: 'restore',
    maxDelayMs: 700,
    epochLength: 1_000_000, // one vault: the restored trees are removed after each run
    before: async (i) => {
      if (i > 0) return;
      await createVault(home);
      for (let j = 0; j < 300; j++) {
        mkdirSync(join(src, `d${j % 7}`), { recursive: true });
        writeFileSync(join(src, `d${j % 7}`, `r${j}.bin`), contentFor(`restore-${j}`).subarray(0, 2000 + (j % 13) * 3000));
      }
      const vault = await openVault(home);
      try {
        snapshot = (await vault.backupFolder(src)).snapshotId;
      } finally {
        vault.close();
      }
      expected = tree(src);
    },
    args: (i) => ['restore', home, String(snapshot), join(dir, `restore-out-${i}`)],
    async verify(_acks, { iteration, readData, thisRun }) {
      const out = join(dir, `restore-out-${iteration}`);
      const lost: string[] = [];
      const problems: string[] = [];
      for (const [rel, h] of tree(out)) {
        if (rel.endsWith('.keepsake-partial')) continue; // a temporary, never a final name
        if (expected.get(rel) !== h) problems.push(`partial or wrong file under its final name: ${rel}`);
      }
      const finished = thisRun.some((a) => a.restored !== undefined);
      const vault = await openVault(home);
      try {
        const corrupt = (await checkProblems(vault, readData)).length > 0;
        if (finished) for (const rel of expected.keys()) if (!existsSync(join(out, rel))) lost.push(rel);
        // the rerun completes and the tree is bit-identical
        await vault.restoreSnapshot(snapshot, out);
        const final = tree(out);
        for (const [rel, h] of expected) if (final.get(rel) !== h) problems.push(`after rerun: ${rel} missing or different`);
        for (const rel of final.keys()) if (!expected.has(rel)) problems.push(`after rerun: stray ${rel}`);
        return { corrupt, lost, problems };
      } finally {
        vault.close();
        rmSync(out, { recursive: true, force: true });
      }
    },
  };
}

/** Mirror to a cloud target (a folder, or s3rver); after each kill a wiped computer restores every acked item. */
export function cloudOperation(dir: string, kind: 'folder' | 's3'): KillLoopOperation & { close(): Promise<void> } {
  const E = 10;
  const home = (i: number): string => join(dir, `cloud-${kind}-home-${Math.floor(i / E)}`);
  let recoveryKey = '';
  let targetId = '';
  let spec: TargetSpec | null = null;
  let server: S3TestServer | null = null;
  return {
    name: `cloud-sync-${kind}`,
    maxDelayMs: 2500,
    epochLength: E,
    before: async (i) => {
      if (i % E) return;
      // a fresh vault and a fresh, empty target every E runs
      if (i) rmSync(home(i - 1), { recursive: true, force: true });
      await (server as S3TestServer | null)?.close();
      recoveryKey = await createVault(home(i));
      if (kind === 'folder') {
        spec = { kind: 'folder', path: join(dir, `cloud-folder-target-${i / E}`) };
        if (i) rmSync(join(dir, `cloud-folder-target-${i / E - 1}`), { recursive: true, force: true });
        mkdirSync(spec.path, { recursive: true });
      } else {
        server = await startS3Server();
        spec = { kind: 's3', endpoint: server.endpoint, bucket: server.bucket, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
      }
      const vault = await openVault(home(i));
      try {
        targetId = new CloudStore(vault.indexDb).add(spec.kind === 'folder' ? { kind: 'folder', path: spec.path } : { kind: 'folder', path: '/kill-loop-s3' }, {}).id;
      } finally {
        vault.close();
      }
    },
    args: (i) => ['cloud', home(i), JSON.stringify(spec), targetId, String(i)],
    async verify(acks, { iteration, readData }) {
      const local = await openVault(home(iteration));
      let localProblems: string[];
      try {
        localProblems = await checkProblems(local, readData);
      } finally {
        local.close();
      }
      const last = acks.at(-1);
      if (!last) return { corrupt: localProblems.length > 0, lost: [], problems: localProblems };
      // A wiped computer: restore from the target with only the recovery key.
      const { makeTarget } = await import('./targets');
      const fresh = join(dir, `cloud-${kind}-restored-${iteration}`);
      const target = makeTarget(spec!);
      try {
        const report = await restoreVault(fresh, target, recoveryKey, { fastKdfForTests: true });
        const restored = await Vault.open(fresh, { recoveryKey }, { fastKdfForTests: true });
        try {
          const v = await verdictFor(restored, false, last.keys as string[]);
          const problems = [...localProblems, ...v.problems];
          if (report.check && !report.check.ok) problems.push('restored vault failed its check');
          return { corrupt: localProblems.length > 0 || !!(report.check && !report.check.ok), lost: v.lost, problems };
        } finally {
          restored.close();
        }
      } finally {
        await target.close();
        rmSync(fresh, { recursive: true, force: true });
      }
    },
    async close() {
      await (server as S3TestServer | null)?.close();
    },
  };
}

/** Phone sync, agent → gateway, in the killed process; every acked file is in the vault, hash-equal. */
export function phoneOperation(dir: string): KillLoopOperation {
  const E = 10;
  const home = (i: number): string => join(dir, `phone-home-${Math.floor(i / E)}`);
  const phone = join(dir, 'phone');
  const hashes = new Map<string, string>();
  return {
    name: 'phone-sync',
    maxDelayMs: 1500,
    epochLength: E,
    before: async (i) => {
      if (i % E === 0) {
        if (i) rmSync(home(i - 1), { recursive: true, force: true });
        rmSync(phone, { recursive: true, force: true });
        hashes.clear();
        // Loaded only here: the desktop pulls in the whole intake stack, which vault-only runs do not need.
        const { startDesktop } = await import('../../unit/devices/support/harness');
        const d = await startDesktop({ dir: home(i) });
        await d.close();
      }
      // every iteration a new phone (paired afresh) with 150 photos of its own
      mkdirSync(join(phone, String(i), 'DCIM', 'Camera'), { recursive: true });
      for (let j = 0; j < 150; j++) {
        const rel = `DCIM/Camera/IMG_${i}_${String(j).padStart(3, '0')}.jpg`;
        const bytes = contentFor(`phone-${i}-${j}`).subarray(0, 3000 + (j % 20) * 500);
        writeFileSync(join(phone, String(i), rel), bytes);
        hashes.set(rel, sha(bytes));
      }
    },
    args: (i) => ['phone', home(i), join(phone, String(i))],
    async verify(acks, { iteration, readData }) {
      const vault = await Vault.open(home(iteration), { passphrase: 'correct horse battery staple' }, { fastKdfForTests: true });
      try {
        const problems = await checkProblems(vault, readData);
        const corrupt = problems.length > 0;
        const stored = new Map<string, string>();
        for (let page = vault.listItems({ limit: 500 }); page.length; page = vault.listItems({ limit: 500, after: page.at(-1)!.cursor })) {
          for (const s of page) {
            const h = sha(await readItem(vault, s.id));
            for (const src of vault.getItem(s.id)?.sources ?? []) {
              stored.set(src.sourceKey, h);
              const want = hashes.get(src.sourceKey);
              if (want && want !== h) problems.push(`partial or wrong item visible: ${src.sourceKey}`);
            }
          }
        }
        const lost = acks.map((a) => a.key as string).filter((k) => stored.get(k) !== hashes.get(k));
        return { corrupt, lost, problems };
      } finally {
        vault.close();
      }
    },
  };
}

export type { Ack };
