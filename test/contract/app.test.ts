// The contract suite for the foundation, run twice: against the handlers directly and
// over the web host. Both must answer the same way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { methods } from '../../common/contract';
import { About } from '../../common/contract/app';
import { tempHome } from '../support/temp-home';
import { clientFactories, type ContractClient } from './clients';

describe.each(clientFactories)('contract ($name)', ({ make }) => {
  let home: ReturnType<typeof tempHome>;
  let client: ContractClient;
  beforeEach(async () => {
    home = tempHome();
    client = await make(home.path);
  });
  afterEach(async () => {
    await client.close();
    home.remove();
  });

  it('app.about reports version, data folder and a missing vault', async () => {
    const r = await client.invoke('app.about', {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const about = About.parse(r.value);
    expect(about.name).toBe('Keepsake');
    expect(about.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(about.dataFolder).toBe(home.path);
    expect(about.vaultState).toBe('missing');
  });

  it('refuses an unknown method with UNKNOWN_METHOD', async () => {
    const r = await client.invoke('app.selfDestruct', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses invalid input with BAD_INPUT (extra properties, wrong types)', async () => {
    expect(await client.invoke('app.about', { surprise: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await client.invoke('jobs.cancel', { id: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await client.invoke('jobs.cancel', { id: '../../etc' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('answers jobs.list with an empty history on a new data folder', async () => {
    expect(await client.invoke('jobs.list', {})).toEqual({ ok: true, value: [] });
  });

  it('refuses a job that does not exist with NOT_FOUND', async () => {
    expect(await client.invoke('jobs.pause', { id: 'job-000000000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('validates every method output against the contract for methods callable without a vault', async () => {
    for (const [name, spec] of Object.entries(methods)) {
      if (spec.needsVault) continue;
      const r = await client.invoke(name, {});
      if (r.ok) expect(spec.output.safeParse(r.value).success, name).toBe(true);
    }
  });
});
