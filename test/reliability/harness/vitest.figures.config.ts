// The project's Vitest config plus the fast-check run counter, for scripts/reliability.mjs.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../../vitest.config';

export default mergeConfig(base, defineConfig({ test: { setupFiles: ['test/reliability/harness/count-fc-runs.ts'] } }));
