// Plain text and Markdown files → one note each. The title is the first Markdown heading
// or the first line; the whole text is indexed; the original bytes are kept. Invalid UTF-8
// falls back to Latin-1 (nothing lost, reported); binary content (NUL bytes) is refused.
import { basename, extname } from 'node:path';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedItem } from '../types';
import { decodeText, hashKey, readAll } from './util';

const MAX_TEXT_NOTE = 32 * 1024 * 1024;

export async function* importTextNote(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const bytes = await readAll(input, MAX_TEXT_NOTE, 'text file');
  if (bytes.length === 0) throw new KeepsakeError('CORRUPT', 'The file is empty.');
  if (bytes.subarray(0, 8192).includes(0)) throw new KeepsakeError('UNSUPPORTED', 'This file contains binary data, so it is not a text note.');
  const { text: decoded, fellBack } = decodeText(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? bytes.subarray(3) : bytes);
  if (fellBack) ctx.refuse('byte 0', 'The text is not valid UTF-8; it was read as Latin-1 (Windows-1252) so no byte is lost.');
  const ext = extname(input.path).toLowerCase();
  const markdown = ext === '.md' || ext === '.markdown' || /^#{1,6} \S/m.test(decoded.slice(0, 4096));
  const heading = /^#{1,6}[ \t]+(\S.*)$/m.exec(decoded.slice(0, 4096))?.[1]?.trim();
  const firstLine = decoded.split(/\r?\n/).find((l) => l.trim())?.trim();
  const name = basename(input.path, ext);
  const title = (heading ?? firstLine ?? name).slice(0, 200);
  ctx.report({ items: 1, bytes: bytes.length });
  yield {
    category: 'note',
    sourceKey: hashKey('text-note', bytes),
    title,
    text: decoded,
    fields: { format: markdown ? 'markdown' : 'text', fileName: basename(input.path), ...(fellBack ? { charset: 'windows-1252' } : {}) },
    personal: true,
    files: [{ role: 'original', name: basename(input.path) || 'note.txt', mime: markdown ? 'text/markdown' : 'text/plain', data: bytes }],
  };
}
