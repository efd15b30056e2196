// Two ways to call the contract, so the same suite runs against both: handlers directly
// (dispatch in-process) and over the web host (HTTP with the token).
import type { Result } from '../../common/contract';
import { Core } from '../../main/core/core';
import { dispatch } from '../../main/core/dispatch';
import { silentLog } from '../../main/core/log';
import { startWebHost, type WebHost } from '../../main/web/server';

export interface ContractClient {
  name: string;
  core: Core;
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  close(): Promise<void>;
}

export function directClient(dataFolder: string): ContractClient {
  const core = new Core({ dataFolder, hostKind: 'cli', log: silentLog });
  return { name: 'direct', core, invoke: (m, i) => dispatch(core, m, i), close: () => core.close() };
}

export async function webClient(dataFolder: string): Promise<ContractClient & { web: WebHost }> {
  const core = new Core({ dataFolder, hostKind: 'web', log: silentLog });
  const web = await startWebHost({ core });
  return {
    name: 'web',
    core,
    web,
    async invoke(method, input) {
      const res = await fetch(`${web.origin}/rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${web.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      return (await res.json()) as Result<unknown>;
    },
    async close() {
      await web.close();
      await core.close();
    },
  };
}

export const clientFactories = [
  { name: 'direct handlers', make: async (home: string) => directClient(home) },
  { name: 'over the web host', make: (home: string) => webClient(home) },
];
