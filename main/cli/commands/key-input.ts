// How the key commands (passphrase, recovery-key, kit) get secrets without putting them on
// the command line (where `ps` and shell history would see them): an environment variable,
// a file named by an option (first line), piped stdin (one secret per line, in the order the command
// asks), or a hidden prompt when stdin is a terminal.
import { readFileSync } from 'node:fs';
import { KeepsakeError } from '../../../common/errors';
import type { CommandContext } from '../command';

export interface SecretSpec {
  /** Environment variable, e.g. KEEPSAKE_PASSPHRASE. */
  env: string;
  /** Option holding a file path, e.g. passphrase-file. */
  fileOption: string;
  /** Prompt shown on a terminal. */
  prompt: string;
}

/** Reads secrets in order; piped stdin is read once and handed out line by line. */
export class SecretReader {
  private lines: string[] | null = null;
  constructor(private readonly ctx: CommandContext) {}

  /** Order: the file option, the environment variable, a hidden prompt on a terminal, the next stdin line. */
  async read(spec: SecretSpec): Promise<string> {
    const file = this.ctx.values[spec.fileOption];
    if (typeof file === 'string') return readSecretFile(file, spec);
    const fromEnv = this.ctx.env[spec.env];
    if (fromEnv) return fromEnv;
    const stdin = this.ctx.stdin as NodeJS.ReadStream;
    if (stdin.isTTY) return promptHidden(stdin, spec.prompt);
    this.lines ??= (await readAll(stdin)).split(/\r?\n/);
    const line = this.lines.shift();
    if (line === undefined || line === '') {
      throw new KeepsakeError('BAD_INPUT', `${spec.prompt.replace(/:\s*$/, '')} is missing. Set ${spec.env}, use --${spec.fileOption}, or pipe it on stdin.`);
    }
    return line;
  }
}

/** The first line of the file, as `keepsake unlock --passphrase-file` reads it (spaces kept: they can be part of a passphrase). */
function readSecretFile(path: string, spec: SecretSpec): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KeepsakeError('BAD_INPUT', `Keepsake could not read ${path} (${(e as NodeJS.ErrnoException).code ?? 'unknown error'}).`);
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new KeepsakeError('BAD_INPUT', `The file given with --${spec.fileOption} is empty.`);
  return line;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new KeepsakeError('CANCELLED', 'Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export const CURRENT_PASSPHRASE: SecretSpec = { env: 'KEEPSAKE_PASSPHRASE', fileOption: 'passphrase-file', prompt: 'Passphrase: ' };
export const RECOVERY_KEY: SecretSpec = { env: 'KEEPSAKE_RECOVERY_KEY', fileOption: 'recovery-key-file', prompt: 'Recovery key: ' };
