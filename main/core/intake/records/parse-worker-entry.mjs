// Worker-thread entry for parse-worker.ts (not named parse-worker.mjs: bundler-style
// resolution would pick it for imports of "./parse-worker"). Plain JavaScript because a worker does not
// inherit the parent's TypeScript loader: this file registers tsx in the worker, then loads
// the TypeScript worker body. Where tsx is not there (a bundled build), the import fails,
// the worker reports an error before "ready", and the parent parses on its own thread.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker-thread.ts');
