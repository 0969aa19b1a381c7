import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Sockets on loopback: generous per-test timeout, but tests await events rather than sleeping.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
