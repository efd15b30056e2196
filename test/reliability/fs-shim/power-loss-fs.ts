// The power-loss file-system shim (RELIABILITY row 3; not a test file). A DurableFs — the
// seam the vault's pack store writes through (main/core/vault/durable-fs.ts, ctx.fs) — that
// does every operation on the real disk AND keeps a model of what a power cut would leave:
//   - file data is durable only up to the last fsync of that file;
//   - a name (create, rename, unlink) is durable only once its folder is fsynced; a new
//     folder is durable at once (DurableFs.mkdir's promise: realFs fsyncs its parent).
// `materialize(dest, random)` writes the state a power cut at this instant could leave:
// each file's unsynced tail is dropped, torn at a random length, overwritten with garbage,
// or kept; each folder keeps a random prefix of its not-yet-synced name changes. The
// folders modelled are the ones the vault writes through ctx.fs (packs/, tmp/); everything
// else (the SQLite index and its WAL, the key slots, the head file) is the caller's to copy.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { realFs, type DurableFs } from '../../../main/core/vault/durable-fs';

interface Inode {
  chunks: Buffer[];
  length: number;
  /** Bytes known to be on the disk (append-only files: a prefix). */
  synced: number;
}
type Entry = { type: 'file'; node: Inode } | { type: 'dir' };
type NameOp = { name: string; entry: Entry | null };
interface Folder {
  durable: Map<string, Entry>;
  pending: NameOp[];
}

export interface PowerLossStats {
  images: number;
  tailsDropped: number;
  tailsTorn: number;
  tailsGarbled: number;
  tailsKept: number;
  nameChangesLost: number;
}

export class PowerLossFs implements DurableFs {
  private readonly folders = new Map<string, Folder>();
  private readonly live = new Map<string, Inode>();
  private readonly fds = new Map<number, Inode>();
  /** Operations done so far; `onOperation` is called before each, with its number. */
  ops = 0;
  readonly stats: PowerLossStats = { images: 0, tailsDropped: 0, tailsTorn: 0, tailsGarbled: 0, tailsKept: 0, nameChangesLost: 0 };

  /** `root`: the folder whose sub-folders `managed` are modelled (they exist and are durable now). */
  constructor(
    private readonly root: string,
    managed: string[],
    private readonly onOperation: (n: number, what: string) => void = () => undefined,
  ) {
    for (const m of managed) this.adopt(join(root, m));
  }

  /** Registers an existing folder tree as durable, as it is on disk now. */
  private adopt(dir: string): void {
    const folder: Folder = { durable: new Map(), pending: [] };
    this.folders.set(dir, folder);
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        folder.durable.set(name, { type: 'dir' });
        this.adopt(p);
      } else {
        const data = readFileSync(p);
        const node: Inode = { chunks: [data], length: data.length, synced: data.length };
        folder.durable.set(name, { type: 'file', node });
        this.live.set(p, node);
      }
    }
  }

  private step(what: string): void {
    this.onOperation(this.ops++, what);
  }

  private folderOf(path: string): Folder {
    const f = this.folders.get(dirname(path));
    if (!f) throw new Error(`power-loss shim: ${relative(this.root, path)} is outside the modelled folders`);
    return f;
  }

  open(path: string, flags: string, mode?: number): number {
    this.step(`open ${basename(path)}`);
    const fd = realFs.open(path, flags, mode);
    if (/[wa]/.test(flags)) {
      let node = this.live.get(path);
      if (!node || flags.includes('w')) {
        node = { chunks: [], length: 0, synced: 0 };
        this.live.set(path, node);
        this.folderOf(path).pending.push({ name: basename(path), entry: { type: 'file', node } });
      }
      this.fds.set(fd, node);
    }
    return fd;
  }

  write(fd: number, data: Uint8Array): void {
    this.step('write');
    realFs.write(fd, data);
    const node = this.fds.get(fd);
    if (node) {
      node.chunks.push(Buffer.from(data));
      node.length += data.length;
    }
  }

  fsync(fd: number): void {
    this.step('fsync');
    realFs.fsync(fd);
    const node = this.fds.get(fd);
    if (node) node.synced = node.length;
  }

  async fsyncAsync(fd: number): Promise<void> {
    this.step('fsync');
    const node = this.fds.get(fd);
    const upTo = node?.length ?? 0;
    await realFs.fsyncAsync(fd);
    if (node) node.synced = Math.max(node.synced, upTo);
  }

  close(fd: number): void {
    this.step('close');
    realFs.close(fd);
    this.fds.delete(fd);
  }

  rename(from: string, to: string): void {
    this.step(`rename ${basename(from)}`);
    realFs.rename(from, to);
    const node = this.live.get(from);
    this.live.delete(from);
    this.folderOf(from).pending.push({ name: basename(from), entry: null });
    if (node) {
      this.live.set(to, node);
      this.folderOf(to).pending.push({ name: basename(to), entry: { type: 'file', node } });
    }
  }

  fsyncDir(dir: string): void {
    this.step(`fsyncdir ${relative(this.root, dir)}`);
    realFs.fsyncDir(dir);
    const f = this.folders.get(dir);
    if (!f) return;
    for (const op of f.pending) apply(f.durable, op);
    f.pending = [];
  }

  unlink(path: string): void {
    this.step(`unlink ${basename(path)}`);
    realFs.unlink(path);
    this.live.delete(path);
    this.folderOf(path).pending.push({ name: basename(path), entry: null });
  }

  mkdir(dir: string): void {
    this.step(`mkdir ${relative(this.root, dir)}`);
    const missing: string[] = [];
    for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
    realFs.mkdir(dir);
    // DurableFs.mkdir promises durable folders (realFs fsyncs each new folder's parent).
    for (const d of missing) {
      this.folderOf(d).durable.set(basename(d), { type: 'dir' });
      this.folders.set(d, { durable: new Map(), pending: [] });
    }
  }

  /** Writes what a power cut now could leave of the modelled folders under `destRoot`. */
  materialize(destRoot: string, random: () => number): void {
    this.stats.images++;
    const contents = new Map<Inode, Buffer>();
    const contentOf = (node: Inode): Buffer => {
      let out = contents.get(node);
      if (out) return out;
      const all = Buffer.concat(node.chunks, node.length);
      if (node.synced >= node.length) out = all;
      else {
        const pick = random();
        const tail = node.length - node.synced;
        if (pick < 0.3) {
          out = all.subarray(0, node.synced);
          this.stats.tailsDropped++;
        } else if (pick < 0.55) {
          out = all.subarray(0, node.synced + Math.floor(random() * tail));
          this.stats.tailsTorn++;
        } else if (pick < 0.8) {
          out = Buffer.from(all);
          const start = node.synced + Math.floor(random() * tail);
          const end = Math.min(node.length, start + 1 + Math.floor(random() * 4096));
          for (let i = start; i < end; i++) out[i] = Math.floor(random() * 256);
          this.stats.tailsGarbled++;
        } else {
          out = all;
          this.stats.tailsKept++;
        }
      }
      contents.set(node, out);
      return out;
    };
    const emit = (dir: string): void => {
      const f = this.folders.get(dir)!;
      const names = new Map(f.durable);
      const kept = Math.floor(random() * (f.pending.length + 1));
      f.pending.slice(0, kept).forEach((op) => apply(names, op));
      this.stats.nameChangesLost += f.pending.length - kept;
      const out = join(destRoot, relative(this.root, dir));
      mkdirSync(out, { recursive: true });
      for (const [name, e] of names) {
        if (e.type === 'dir') emit(join(dir, name));
        else writeFileSync(join(out, name), contentOf(e.node));
      }
    };
    for (const dir of this.folders.keys()) if (!this.folders.has(dirname(dir))) emit(dir);
  }
}

function apply(names: Map<string, Entry>, op: NameOp): void {
  if (op.entry) names.set(op.name, op.entry);
  else names.delete(op.name);
}
