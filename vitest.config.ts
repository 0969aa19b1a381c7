import { defineConfig } from 'vitest/config';

// Tests that open sockets live in these folders, and only they run twice: once with the default
// socket I/O below Node's streams ('direct'), once forced onto Node's documented stream API
// ('stream', src/server/socket-io.ts), so the fallback path is as well tested as the fast one.
// A test that opens no socket goes elsewhere and runs once (docs/testing.md).
const SOCKET_SUITES = ['test/server/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/cli/**/*.test.ts'];

export default defineConfig({
  test: {
    // Sockets on loopback: generous per-test timeout, but tests await events rather than sleeping,
    // and every network read fails on its own in about a second (test/helpers/within.ts).
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      // Files share their worker's module cache (no per-file re-import of fastify, ajv, yaml...):
      // half the CPU of the suite. Tests own no global state: no vi.mock, fake timers restored,
      // spies restored, servers and clients closed by onTestFinished.
      { extends: true, test: { name: 'direct', include: ['test/**/*.test.ts'], isolate: false } },
      // Isolated: test/helpers/server.ts reads MODBUS_EMU_IO_MODE once per module instance.
      { extends: true, test: { name: 'stream', include: SOCKET_SUITES, env: { MODBUS_EMU_IO_MODE: 'stream' } } },
    ],
  },
});
