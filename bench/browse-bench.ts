// Browse benchmarks (issue 7): search over 1,000,000 messages (common-word ranked, prefix,
// phrase, rare word: p50/p95), and in Chromium with 100,000 photos: unlock → dashboard,
// first paint of the photo grid, and frame times while scrolling (performance timeline).
// Data is written straight into real encrypted vault indexes (same schema, triggers and
// FTS5 index as imports produce) and cached in $TMPDIR/keepsake-bench/browse between runs.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from '@playwright/test';
import { ftsKeepsPositions } from '../main/core/vault/fts-detail';
import { openIndexDb } from '../main/core/vault/index-db';
import { ensureLibrarySchema } from '../main/core/library/schema';
import { searchItems } from '../main/core/library/search';
import { Vault } from '../main/core/vault/vault';
import type { Db } from '../main/core/vault/sql';
import type { BenchSection } from './run';

// Outside the repo, beside the vault bench's data: gigabytes must never be one `git add` away.
const CACHE = join(tmpdir(), 'keepsake-bench', 'browse');
const WORDS = 'the you and to a i it is that of in for on me be my we have at are this was do so but not with just what get like can go if know up out all your will see about no too see now'.split(' ');
const TOPIC = 'dinner tomorrow meeting train station coffee weekend birthday parcel harbour garden holiday school doctor football concert bakery bicycle museum picnic airport'.split(' ');

/** Deterministic xorshift so every run builds the same corpus. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function messageText(r: () => number, i: number): string {
  const n = 4 + Math.floor(r() * 14);
  const words: string[] = [];
  for (let k = 0; k < n; k++) {
    const p = r();
    // Zipf-ish: function words dominate, topics are common, a rare token now and then
    words.push(p < 0.6 ? WORDS[Math.floor(r() * r() * WORDS.length)]! : p < 0.97 ? TOPIC[Math.floor(r() * TOPIC.length)]! : `zq${(i * 7919) % 100_003}x`);
  }
  if (i % 1000 === 0) words.push('see', 'you', 'tomorrow');
  return words.join(' ');
}

function fillMessages(db: Db, count: number): void {
  const r = rng(7);
  const ins = db.prepare(`INSERT INTO items (id, category, device_id, personal, occurred_at, title, summary, body, fields, fingerprint, wrapped_key, created_at, updated_at)
                          VALUES (?, 'message', 'local', 1, ?, ?, ?, ?, ?, ?, ?, 0, 0)`);
  const start = Date.UTC(2015, 0, 1);
  const batch = 20_000;
  for (let done = 0; done < count; done += batch) {
    db.transaction(() => {
      for (let i = done; i < Math.min(count, done + batch); i++) {
        const text = messageText(r, i);
        const who = `Contact ${i % 400}`;
        ins.run(randomBytes(16).toString('hex'), start + i * 300_000, who, text.slice(0, 120), `${who}\n${text}`, JSON.stringify({ address: `+1555${String(i % 400).padStart(7, '0')}`, body: text, direction: i % 2 ? 'sent' : 'received' }), randomBytes(32), randomBytes(40));
      }
    })();
    if (done % 200_000 === 0) process.stdout.write(`  messages ${done}/${count}\r`);
  }
  db.exec(`INSERT INTO items_fts (items_fts) VALUES ('optimize')`);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function searchBench(count: number): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  const path = join(CACHE, `messages-${count}.db`);
  const key = Buffer.alloc(32, 7);
  // A cache built before migration 0960 keeps token positions (detail=full: the migration
  // leaves big vaults as they are), which new vaults no longer have: measure what ships.
  if (existsSync(path)) {
    const cached = openIndexDb(path, key);
    const stale = ftsKeepsPositions(cached);
    cached.close();
    if (stale) rmSync(path, { force: true });
  }
  const fresh = !existsSync(path);
  const t0 = performance.now();
  const db = openIndexDb(path, key);
  if (fresh || (db.prepare(`SELECT count(*) AS n FROM items`).get() as { n: number }).n !== count) {
    console.log(`Building ${count.toLocaleString()} messages (cached afterwards) …`);
    db.exec('DELETE FROM items');
    fillMessages(db, count);
    console.log(`  built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  ensureLibrarySchema(db);
  const shapes: Array<[string, string[]]> = [
    ['common word, ranked', ['the', 'you', 'dinner', 'train', 'coffee', 'harbour']],
    ['two common words, ranked', ['see you', 'train station', 'the weekend']],
    ['prefix', ['din*', 'ha*', 'tomo*', 'stat*', 'bi*']],
    ['phrase', ['"see you tomorrow"', '"train station"', '"the dinner"']],
    ['rare word', ['zq1234x', 'zq99991x', 'zq500x']],
  ];
  console.log(`\nSearch over ${count.toLocaleString()} messages (encrypted index, library search):`);
  console.log('| query shape | p50 ms | p95 ms | windowed |');
  console.log('|---|---|---|---|');
  for (const [name, qs] of shapes) {
    for (const q of qs) searchItems(db, { q }); // warm the page cache
    const times: number[] = [];
    let windowed = false;
    for (let round = 0; round < 20; round++) {
      for (const q of qs) {
        const s = performance.now();
        windowed = searchItems(db, { q }).windowed || windowed;
        times.push(performance.now() - s);
      }
    }
    console.log(`| ${name} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${windowed ? 'yes' : 'no'} |`);
  }
  db.close();
}

async function fillPhotos(home: string, passphrase: string, count: number): Promise<void> {
  const { vault } = await Vault.create(home, passphrase);
  try {
    const db = vault.indexDb;
    const ins = db.prepare(`INSERT INTO items (id, category, device_id, personal, occurred_at, title, summary, body, fields, lat, lon, fingerprint, wrapped_key, created_at, updated_at)
                            VALUES (?, ?, 'local', 1, ?, ?, '', '', '{}', ?, ?, ?, ?, 0, 0)`);
    const copy = db.prepare(`INSERT INTO copies (item_id, location_id, state, since, last_verified, encryption) VALUES (?, 1, 'present', 0, 0, 'aes-256-gcm/item-key')`);
    const r = rng(3);
    const start = Date.UTC(2014, 0, 1);
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const id = randomBytes(16).toString('hex');
        const geo = r() < 0.4;
        ins.run(id, i % 50 === 0 ? 'video' : 'photo', start + Math.floor(i * 3_150_000 + r() * 1_000_000), `IMG_${i}.jpg`, geo ? 35 + r() * 20 : null, geo ? -10 + r() * 40 : null, randomBytes(32), randomBytes(40));
        copy.run(id);
      }
    })();
  } finally {
    vault.close();
  }
}

interface ScrollFigures {
  deltas: number[];
  scrolled: number;
  longFrames: number;
  worstLongFrame: number;
}

/**
 * Scrolls the grid 240 px a frame for 5 s and reads the frame clock: requestAnimationFrame
 * deltas (one per frame), plus the performance timeline's long-animation-frame entries
 * (frames over 50 ms, with their duration). A string, not a function: tsx would wrap named
 * inner functions in a helper the page lacks.
 */
async function scrollFrames(page: Page, ms = 5000): Promise<ScrollFigures> {
  return (await page.evaluate(`(async () => {
    const el = document.querySelector('[data-testid="photo-grid"]');
    el.scrollTop = 0;
    const long = [];
    let obs = null;
    try {
      obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e.duration); });
      obs.observe({ type: 'long-animation-frame' });
    } catch {}
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const deltas = [];
    let last = performance.now();
    const end = last + ${ms};
    await new Promise((done) => {
      const tick = (t) => {
        deltas.push(t - last);
        last = t;
        el.scrollTop += 240; // a brisk, steady scroll
        if (t < end) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    if (obs) obs.disconnect();
    return { deltas: deltas.slice(1), scrolled: el.scrollTop, longFrames: long.length, worstLongFrame: long.length ? Math.max(...long) : 0 };
  })()`)) as ScrollFigures;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** The renderer main thread's complete events, in start order (outer before inner). */
function mainThreadEvents(tracePath: string): TraceEvent[] {
  const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: TraceEvent[] };
  const main = new Set(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return trace.traceEvents.filter((e) => e.ph === 'X' && e.dur !== undefined && main.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
}

/** Sums events by name: where scroll frames go. */
function traceSummary(events: TraceEvent[], top = 14): string[] {
  const by = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    const x = by.get(e.name) ?? { ms: 0, n: 0 };
    x.ms += e.dur! / 1000;
    x.n++;
    by.set(e.name, x);
  }
  return [...by.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([name, x]) => `| ${name} | ${x.n} | ${x.ms.toFixed(0)} |`);
}

/**
 * Main-thread cost of each frame from the trace: every top-level task that ran since the
 * previous frame began, plus the frame's own BeginMainFrame (script, React, style, layout,
 * paint, commit). Thread time (tdur), not wall time, so other processes competing for the
 * CPU do not count as the grid's cost; wall time is kept alongside.
 */
function frameCosts(events: TraceEvent[]): { cpu: number[]; wall: number[] } {
  const top: TraceEvent[] = [];
  let end = -1;
  for (const e of events) {
    if (e.ts >= end) {
      top.push(e);
      end = e.ts + e.dur!;
    }
  }
  const frames = events.filter((e) => e.name === 'ProxyMain::BeginMainFrame'); // top-level or inside a RunTask
  const cpu = frames.map(() => 0);
  const wall = frames.map(() => 0);
  let f = 0;
  for (const e of top) {
    while (f < frames.length && frames[f]!.ts < e.ts) f++;
    if (f >= frames.length) break;
    cpu[f]! += (e.tdur ?? e.dur!) / 1000;
    wall[f]! += e.dur! / 1000;
  }
  return { cpu: cpu.slice(1), wall: wall.slice(1) }; // the first frame's tasks began before tracing
}

async function openGrid(browser: Browser, url: string, passphrase: string): Promise<{ page: Page; firstUnlockMs: number; unlockMs: number; firstPaintMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.getByLabel('Passphrase').fill(passphrase);
  const u0 = Date.now();
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('heading', { name: 'By category' }).waitFor();
  const firstUnlockMs = Date.now() - u0; // includes the one-time build of migration 0700's indexes
  await page.getByRole('button', { name: 'Lock' }).click();
  await page.getByLabel('Passphrase').fill(passphrase);
  const u1 = Date.now();
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('heading', { name: 'By category' }).waitFor();
  const unlockMs = Date.now() - u1;
  const p0 = await page.evaluate(() => performance.now());
  await page.getByRole('link', { name: 'Photos', exact: true }).click();
  await page.locator('.photo-slot').first().waitFor();
  // First paint of the grid: the first frame after its cells are in the DOM.
  const paintAt = (await page.evaluate('new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => res(performance.now()))))')) as number;
  return { page, firstUnlockMs, unlockMs, firstPaintMs: paintAt - p0 };
}

function frameLine(f: ScrollFigures): string {
  return `${pct(f.deltas, 50).toFixed(1)} / ${pct(f.deltas, 95).toFixed(1)} / ${pct(f.deltas, 99).toFixed(1)} / ${Math.max(...f.deltas).toFixed(1)} ms`;
}

async function chromiumBench(count: number, tracePath: string | null): Promise<void> {
  const { chromium } = await import('@playwright/test');
  const home = join(CACHE, `photos-${count}`);
  const passphrase = 'browse bench passphrase lantern';
  if (!existsSync(join(home, '.bench-complete'))) {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    console.log(`Building a vault with ${count.toLocaleString()} photos (cached afterwards) …`);
    await fillPhotos(home, passphrase, count);
    execFileSync('touch', [join(home, '.bench-complete')]);
  }
  const child = spawn(process.execPath, ['bin/keepsake.mjs', 'serve', '--port', '0'], { env: { ...process.env, KEEPSAKE_HOME: home, KEEPSAKE_NO_BROWSER: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', (l) => resolve(l.trim())));
  const executablePath = process.env.KEEPSAKE_CHROMIUM ?? '/usr/bin/chromium';
  const base = ['--no-sandbox', '--disable-gpu'];
  try {
    // 1. As a person sees it: frames locked to a 60 Hz vsync. A delta over 1.5 vsyncs is a dropped frame.
    const vsync = await chromium.launch({ executablePath, args: base });
    let synced: ScrollFigures;
    let opened: Awaited<ReturnType<typeof openGrid>>;
    let events: TraceEvent[];
    const traceFile = tracePath ?? join(tmpdir(), `keepsake-browse-trace-${process.pid}.json`);
    try {
      opened = await openGrid(vsync, url, passphrase);
      await scrollFrames(opened.page, 1500); // warm: pages of the first screens, JIT
      await vsync.startTracing(opened.page, { path: traceFile, categories: ['devtools.timeline', 'blink', 'cc', 'v8.execute'] });
      synced = await scrollFrames(opened.page);
      await vsync.stopTracing();
      events = mainThreadEvents(traceFile);
      if (!tracePath) rmSync(traceFile, { force: true });
    } finally {
      await vsync.close();
    }
    const costs = frameCosts(events);
    // 2. What a frame costs: the frame-rate limit and vsync off, so each rAF delta is the time
    //    Chromium took to produce that frame (script, style, layout, paint, composite).
    const free = await chromium.launch({ executablePath, args: [...base, '--disable-frame-rate-limit', '--disable-gpu-vsync'] });
    let unlocked: ScrollFigures;
    try {
      // The web host still holds the vault open from the first browser: straight to Photos.
      const page = await free.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      await page.getByRole('link', { name: 'Photos', exact: true }).click();
      await page.locator('.photo-slot').first().waitFor();
      await scrollFrames(page, 1500);
      unlocked = await scrollFrames(page);
    } finally {
      await free.close();
    }
    const dropped = synced.deltas.filter((d) => d > 25).length;
    console.log(`\nChromium, ${count.toLocaleString()} photos (web host, real encrypted vault; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}):`);
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| unlock → dashboard drawn (first open: builds the browse indexes once) | ${opened.firstUnlockMs} ms |`);
    console.log(`| unlock → dashboard drawn | ${opened.unlockMs} ms |`);
    console.log(`| Photos click → first grid paint | ${opened.firstPaintMs.toFixed(0)} ms |`);
    console.log(`| 60 Hz: frames / rows scrolled | ${synced.deltas.length} / ${(synced.scrolled / 136).toFixed(0)} |`);
    console.log(`| 60 Hz: frame interval p50 / p95 / p99 / max | ${frameLine(synced)} |`);
    console.log(`| 60 Hz: dropped frames (interval > 25 ms) | ${dropped} of ${synced.deltas.length} (${((100 * dropped) / synced.deltas.length).toFixed(1)} %) |`);
    console.log(`| 60 Hz: long animation frames (> 50 ms, performance timeline) | ${synced.longFrames}${synced.longFrames ? `, worst ${synced.worstLongFrame.toFixed(0)} ms` : ''} |`);
    console.log(`| uncapped: frames / rows scrolled | ${unlocked.deltas.length} / ${(unlocked.scrolled / 136).toFixed(0)} |`);
    console.log(`| uncapped: frame time p50 / p95 / p99 / max | ${frameLine(unlocked)} |`);
    const line = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)} / ${pct(xs, 99).toFixed(1)} / ${Math.max(...xs).toFixed(1)} ms`;
    console.log(`| 60 Hz: main-thread CPU per frame (trace) p50 / p95 / p99 / max | ${line(costs.cpu)} |`);
    console.log(`| 60 Hz: main-thread wall per frame (trace) p50 / p95 / p99 / max | ${line(costs.wall)} |`);
    if (tracePath) {
      console.log(`\nRenderer main thread during the 60 Hz scroll (trace ${tracePath}), by event:`);
      console.log('| event | count | total ms |');
      console.log('|---|---|---|');
      for (const row of traceSummary(events)) console.log(row);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

export const browseSection: BenchSection = {
  name: 'browse',
  summary: 'search over 1M messages; photo grid with 100k photos and unlock → dashboard in Chromium (--small, --search-only, --grid-only, --trace [file])',
  async run(args) {
    const small = args.includes('--small');
    const traceAt = args.indexOf('--trace');
    const traceArg = traceAt >= 0 ? args[traceAt + 1] : undefined;
    const tracePath = traceAt < 0 ? null : traceArg && !traceArg.startsWith('--') ? traceArg : join(tmpdir(), 'keepsake-browse-trace.json');
    if (!args.includes('--grid-only')) await searchBench(small ? 100_000 : 1_000_000);
    if (!args.includes('--search-only')) await chromiumBench(small ? 10_000 : 100_000, tracePath);
  },
};

if (process.argv[1]?.endsWith('browse-bench.ts')) {
  await browseSection.run(process.argv.slice(2));
}
