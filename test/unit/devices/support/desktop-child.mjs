// A desktop in its own process, for the kill -9 test: opens the vault given in argv,
// starts the gateway on 127.0.0.1 and, when asked, opens a pairing session. It prints one
// JSON line per event on stdout ({ port }, then { uri }) and never exits by itself.
import { register } from 'tsx/esm/api';

register();
// Not a Vitest worker, although it inherits a worker's environment (harness.ts checks this).
delete process.env.VITEST;
const { startDesktop } = await import('./harness.ts');
const [dir, wantPairing] = process.argv.slice(2);
const desktop = await startDesktop({ dir, create: false });
process.stdout.write(`${JSON.stringify({ port: desktop.port })}\n`);
if (wantPairing === 'pair') {
  const { uri } = await desktop.devices.startPairing();
  process.stdout.write(`${JSON.stringify({ uri })}\n`);
}
setInterval(() => undefined, 1 << 30);
