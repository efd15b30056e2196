// Worker-thread entry for storage-worker.ts (not named storage-worker.mjs: bundler-style
// resolution would pick it for imports of "./storage-worker"). Plain JavaScript because a
// worker does not inherit the parent's TypeScript loader: this file registers tsx in the
// worker, then loads the TypeScript worker body. The bundles (scripts/build-cli.mjs,
// scripts/build-electron.mjs) build storage-worker-thread.ts under this name instead; where
// neither works, the worker fails before "ready" and the vault stores on its own thread.
import { register } from 'tsx/esm/api';

register();
await import('./storage-worker-thread.ts');
