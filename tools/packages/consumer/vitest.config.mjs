import { defineConfig } from 'vitest/config';

// Vitest runs only its own folder: test/ holds the node:test suites.
export default defineConfig({
  test: { include: ['vitest/**/*.test.mjs'], testTimeout: 30_000, hookTimeout: 30_000 },
});
