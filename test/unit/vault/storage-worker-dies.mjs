// A storage worker that opens nothing, says it is ready, and dies on its first batch: the
// vault must then store that batch on its own thread (storage-worker.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (m) => {
  if (m.type === 'put') process.exit(3);
});
