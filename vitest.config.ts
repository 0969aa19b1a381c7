import { defineConfig } from 'vitest/config';

// Everything that opens sockets runs twice: once with the default socket I/O below Node's streams
// ('direct'), once forced onto Node's documented stream API (src/server/socket-io.ts), so the
// fallback path is as well tested as the fast one.
const SOCKET_SUITES = ['test/server/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/cli/**/*.test.ts'];

export default defineConfig({
  test: {
    // Sockets on loopback: generous per-test timeout, but tests await events rather than sleeping.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'direct', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'stream', include: SOCKET_SUITES, env: { MODBUS_EMU_IO_MODE: 'stream' } } },
    ],
  },
});
