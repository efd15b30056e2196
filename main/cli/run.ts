// The command-line host. It parses arguments, finds the command, runs it
// against one in-process Core and maps failures to meaningful exit codes (common/errors).
import { parseArgs } from 'node:util';
import { exitCodeFor, isKeepsakeError } from '../../common/errors';
import { VERSION } from '../core/version';
import { makeCoreOpener, type Command } from './command';
import { commands } from './commands';

const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  // vault commands: ignore a running CLI session (main/cli/commands/session-use.ts)
  'no-session': { type: 'boolean' },
} as const;

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Keepsake — your phone backups, in an encrypted vault you control.',
    '',
    'Usage: keepsake <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --json       print one JSON document instead of text',
    '  --help, -h   show help (also: keepsake <command> --help)',
    '  --no-session ask for the passphrase even while a session runs (keepsake unlock --session)',
    '  --version    print the version',
    '',
    'The data folder is KEEPSAKE_HOME, or the platform app-data folder when unset.',
  ].join('\n');
}

/** Where a run reads and writes; the process's own streams unless a caller (a test) passes others. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  stdin: NodeJS.ReadableStream;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io?: CliIo): Promise<number> {
  const out = io?.out ?? ((line: string): void => void process.stdout.write(`${line}\n`));
  const err = io?.err ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    out(VERSION);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    err(`keepsake: unknown command "${name}". Run "keepsake --help" to see the commands.`);
    return 2;
  }
  const command: Command = await entry.load();
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (e) {
    err(`keepsake ${name}: ${(e as Error).message}\n\n${command.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    out(command.usage);
    return 0;
  }
  const json = parsed.values.json === true;
  const opener = makeCoreOpener(env);
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals, json, core: (hostKind) => opener.get(hostKind), out, err, env, stdin: io ? io.stdin : process.stdin });
  } catch (e) {
    if (isKeepsakeError(e)) {
      if (json) out(JSON.stringify({ ok: false, error: e.toData() }));
      else err(`keepsake ${name}: ${e.message}`);
      return exitCodeFor[e.code];
    }
    err(`keepsake ${name}: something went wrong inside Keepsake (${(e as Error).message ?? e}).`);
    return exitCodeFor.INTERNAL;
  } finally {
    await opener.close();
  }
}

