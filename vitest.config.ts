import { defineConfig } from 'vitest/config';

// Core and contract tests run in plain Node against real SQLite files in temp folders.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/security/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/reliability/**/*.test.ts', 'main/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
