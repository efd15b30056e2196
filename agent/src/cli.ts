// keepsake-agent: the reference device agent's command line.
//   keepsake-agent pair  --phone <dir> --state <dir> --name <name> '<keepsake-pair:?…>'
//   keepsake-agent sync  --phone <dir> --state <dir> [--delete-erased]
//   keepsake-agent restore --phone <dir> --state <dir>
//   keepsake-agent status --phone <dir> --state <dir>
// Output is one JSON document per command; the exit status is 0 only on full success.
import { parseArgs } from 'node:util';
import { KeepsakeAgent } from './agent';

const USAGE = `usage: keepsake-agent <pair|sync|restore|status> --phone <folder> --state <folder> [--name <phone name>] [--delete-erased] [pairing code]`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { phone: { type: 'string' }, state: { type: 'string' }, name: { type: 'string' }, 'delete-erased': { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const [cmd, code] = positionals;
  if (values.help || !cmd || !values.phone || !values.state) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const agent = new KeepsakeAgent(values.phone, values.state);
  const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  try {
    switch (cmd) {
      case 'pair':
        if (!code) throw new Error('Give the pairing code shown on the desktop (it starts with "keepsake-pair:").');
        print(await agent.pair(code, { name: values.name ?? 'Phone' }));
        return 0;
      case 'sync': {
        const s = await agent.sync({ deleteErased: values['delete-erased'] ?? false });
        const cpu = process.cpuUsage(); // the phone's own cost, for benchmarks (whole process)
        print({ ...s, cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
        return s.blocked || s.notAcked.length ? 1 : 0;
      }
      case 'restore': {
        const r = await agent.restore();
        print(r);
        return r.refused.length ? 1 : 0;
      }
      case 'status':
        print({ paired: agent.state.state.desktop ? { desktop: agent.state.state.desktop.desktopName, deviceId: agent.state.state.desktop.deviceId } : null, acked: agent.state.acked.size, freeable: agent.freeable().length });
        return 0;
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    process.stderr.write(`keepsake-agent: ${(e as Error).message}\n`);
    return 1;
  }
}
