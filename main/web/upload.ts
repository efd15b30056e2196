// POST /upload: the browser's way to hand files to Keepsake (it cannot give paths). Each
// request streams one file's raw bytes (X-File-Name header, URL-encoded) into a private
// staging batch folder; the answer is the staged path, which the UI passes to
// intake.start. A batch id groups the files of one import so a folder keeps its shape.
import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KeepsakeError } from '../../common/errors';
import { newUploadDir, safeFileName, stagingRoot } from '../core/staging';

const BATCH = /^[a-f0-9]{16}$/;

export async function receiveUpload(dataFolder: string, req: IncomingMessage, maxBytes: number): Promise<{ batch: string; path: string; bytes: number }> {
  const rawName = headerString(req, 'x-file-name');
  if (!rawName) throw new KeepsakeError('BAD_INPUT', 'The upload has no file name.');
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    throw new KeepsakeError('BAD_INPUT', 'The file name is not valid.');
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new KeepsakeError('BAD_INPUT', 'The file is larger than this server accepts.');

  const batchHeader = headerString(req, 'x-upload-batch');
  let dir: string;
  if (batchHeader) {
    if (!BATCH.test(batchHeader)) throw new KeepsakeError('BAD_INPUT', 'The upload batch is not valid.');
    dir = join(stagingRoot(dataFolder), 'uploads', batchHeader);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } else {
    dir = newUploadDir(dataFolder);
  }
  // Keep a folder's relative layout (Takeout folders, photo trees), one safe segment at a time.
  const segments = name.replace(/\\/g, '/').split('/').filter((s) => s && s !== '.' && s !== '..').map(safeFileName);
  const target = resolve(dir, ...(segments.length ? segments : ['upload']));
  if (!target.startsWith(resolve(dir) + sep)) throw new KeepsakeError('BAD_INPUT', 'The file name is not valid.');
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });

  let bytes = 0;
  const counter = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw new KeepsakeError('BAD_INPUT', 'The file is larger than this server accepts.');
      yield chunk;
    }
  };
  try {
    await pipeline(req, counter, createWriteStream(target, { mode: 0o600, flags: 'wx' }));
  } catch (e) {
    if (e instanceof KeepsakeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new KeepsakeError('CONFLICT', 'A file with this name was already uploaded in this batch.');
    if (code === 'ENOSPC') throw new KeepsakeError('IO', 'The disk is full: the upload could not be stored.');
    throw new KeepsakeError('IO', 'The upload was interrupted.');
  }
  const batch = relative(join(stagingRoot(dataFolder), 'uploads'), dir);
  return { batch, path: dir, bytes };
}

function headerString(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v.length <= 4096 ? v : undefined;
}
