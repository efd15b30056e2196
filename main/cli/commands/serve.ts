// `keepsake serve`: run the companion headless and serve the UI to a browser on loopback.
// Prints exactly one line: the full URL including the per-launch token.
import { startWebHost } from '../../web/server';
import type { Command } from '../command';

export const serveCommand: Command = {
  name: 'serve',
  usage: [
    'Usage: keepsake serve [--port N] [--host 127.0.0.1]',
    '',
    'Starts the web host and prints the URL to open (it carries a one-time token).',
    'Binds 127.0.0.1 unless --host says otherwise. Stop with Ctrl+C.',
  ].join('\n'),
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
  },
  async run(ctx) {
    const port = ctx.values.port === undefined ? 0 : Number(ctx.values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      ctx.err('keepsake serve: --port must be a number from 0 to 65535.');
      return 2;
    }
    const host = typeof ctx.values.host === 'string' ? ctx.values.host : '127.0.0.1';
    if (!isLoopback(host)) ctx.err(`Warning: serving on ${host} makes Keepsake reachable from other computers on that network.`);
    const web = await startWebHost({ core: ctx.core('web'), host, port });
    ctx.out(ctx.json ? JSON.stringify({ url: web.url }) : web.url);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await web.close();
    return 0;
  },
};

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
