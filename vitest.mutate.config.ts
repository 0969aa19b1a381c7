import { defineConfig } from 'vitest/config';

// The test run StrykerJS uses (stryker.config.mjs). Only the 'direct' project of vitest.config.ts:
// a mutant changes the same code in both socket I/O modes, so a second 'stream' run would double
// each mutant's run and kill nothing new. Left out are the suites that drive the emulator from
// outside the test process (the CLI's child processes, a browser, Python, the package scripts),
// which a mutant in the test process cannot reach, and the docs' examples, which repeat what the
// suites below test and would make the first (dry) run much longer.
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    include: ['test/**/*.test.ts'],
    exclude: ['test/cli/**', 'test/docs/**', 'test/e2e/readme-examples.test.ts', 'test/web/**', 'test/interop/**', 'test/bench/**', 'test/state/cli.test.ts', 'test/control/python-example.test.ts'],
  },
});
