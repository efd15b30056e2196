// Server-Sent Events: every contract event, as `event: <name>` + `data: <json>`, with a
// comment heartbeat so idle proxies and browsers keep the stream open.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../core/core';
import { SECURITY_HEADERS } from './static';

const HEARTBEAT_MS = 15_000;

export function handleEvents(core: Core, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    ...SECURITY_HEADERS,
  });
  res.write(': connected\n\n');
  const unsubscribe = core.events.subscribe((e) => {
    res.write(`event: ${e.name}\ndata: ${JSON.stringify(e.payload)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  const stop = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', stop);
  res.on('error', stop);
}
