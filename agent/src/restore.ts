// Receiving a restore: the agent lists what the desktop offers, downloads each item into
// a ".keepsake-part" file beside its target (resuming a cut download with a Range
// request), checks its SHA-256, renames it into place, and acknowledges delivery. Paths
// from the desktop are confined to the phone folder: no "..", no absolute paths.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { PATHS, type RestoreListResponse, type RestoreOffer } from '../../main/core/devices/wire';
import { AgentError, type PinnedClient } from './pinned-client';
import type { StateFile } from './state';

export interface RestoreSummary {
  offered: number;
  written: number;
  bytes: number;
  refused: Array<{ path: string; reason: string }>;
}

/** The absolute target inside root, or null when the offered path would escape it. */
export function confinedPath(root: string, offered: string): string | null {
  if (offered.includes('\0') || isAbsolute(offered) || /^[a-zA-Z]:/.test(offered) || offered.includes('\\')) return null;
  const target = normalize(join(root, offered));
  const rel = relative(root, target);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).some((p) => p === '..' || p.startsWith('.keepsake'))) return null;
  return target;
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

async function download(client: PinnedClient, offer: RestoreOffer, part: string): Promise<number> {
  const have = existsSync(part) ? statSync(part).size : 0;
  if (have >= offer.size && offer.size > 0) return 0;
  const res = await client.stream(`${PATHS.restoreItem}${encodeURIComponent(offer.offerId)}`, have > 0 ? { range: `bytes=${have}-` } : {});
  if (res.statusCode !== 200 && res.statusCode !== 206) {
    res.resume();
    throw new AgentError(`The desktop refused the restore of ${offer.path} (HTTP ${res.statusCode}).`, 'HTTP', res.statusCode ?? 0);
  }
  const fd = openSync(part, res.statusCode === 206 ? 'a' : 'w', 0o600);
  let n = 0;
  try {
    for await (const chunk of res) {
      writeSync(fd, chunk as Buffer);
      n += (chunk as Buffer).length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return n;
}

export async function receiveRestore(client: PinnedClient, root: string, state: StateFile): Promise<RestoreSummary> {
  const { offers } = await client.json<RestoreListResponse>('GET', PATHS.restoreList);
  const sum: RestoreSummary = { offered: offers.length, written: 0, bytes: 0, refused: [] };
  const delivered: string[] = [];
  for (const offer of offers) {
    const target = confinedPath(root, offer.path);
    if (!target) {
      sum.refused.push({ path: offer.path, reason: 'the path would leave the phone folder' });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    const part = `${target}.keepsake-part`;
    sum.bytes += await download(client, offer, part);
    if ((await hashFile(part)) !== offer.hash) {
      rmSync(part, { force: true });
      sum.refused.push({ path: offer.path, reason: 'the downloaded content did not match its hash; it will be fetched again next time' });
      continue;
    }
    renameSync(part, target);
    state.state.restored[offer.offerId] = offer.path;
    delivered.push(offer.offerId);
    sum.written += 1;
  }
  state.save();
  for (let i = 0; i < delivered.length; i += 1000) await client.json('POST', PATHS.restoreAck, { offerIds: delivered.slice(i, i + 1000) });
  return sum;
}
