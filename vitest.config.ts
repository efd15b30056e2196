import { defineConfig } from 'vitest/config';

// Core and contract tests run in plain Node against real SQLite files in temp folders.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/security/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/reliability/**/*.test.ts', 'main/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/support/fuzz-seed.ts'],
    pool: 'forks',
    // Timeouts only catch hangs (no test asserts a duration); generous because the same
    // suite runs on loaded, shared two-core machines.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
