// The shape of a CLI command and the helpers every command shares: one Core per run,
// human output by default, one JSON document with --json, exit codes from the error code.
import type { ParseArgsConfig } from 'node:util';
import type { HostKind } from '../../common/domain';
import { Core } from '../core/core';
import { defaultDataFolder } from '../core/paths';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  values: Values;
  positionals: string[];
  json: boolean;
  /** Opens (once) the Core for KEEPSAKE_HOME; `serve` asks for the web host kind. */
  core(hostKind?: HostKind): Core;
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
}

export interface Command {
  name: string;
  /** Usage lines for `keepsake <name> --help`. */
  usage: string;
  options?: Options;
  /** Returns the exit status (0 only on full success). */
  run(ctx: CommandContext): Promise<number>;
}

export function makeCoreOpener(env: NodeJS.ProcessEnv): { get(hostKind?: HostKind): Core; close(): Promise<void> } {
  let core: Core | null = null;
  return {
    get(hostKind: HostKind = 'cli') {
      core ??= new Core({ dataFolder: defaultDataFolder(env), hostKind });
      return core;
    },
    async close() {
      if (core) await core.close();
    },
  };
}
