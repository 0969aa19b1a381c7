// StrykerJS mutation testing (docs/testing.md, "Mutation testing"). `npm run mutate` runs it on
// each core target with the tests that reach it (scripts/mutate-targets.mjs); `npm run mutate:suite`
// runs this configuration as it is, every target judged by the whole suite: hours on two cores, so
// it is incremental and usually aimed at one folder: npm run mutate:suite -- --mutate 'src/protocol/**/*.ts'
// Not part of `npm test` or CI.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // Each mutant runs only the tests that reached it in the first (dry) run.
  coverageAnalysis: 'perTest',
  // Static mutants (code run once, at module load: tables, module-level arrows) are left out: each
  // needs every test run with fresh modules, and with the vitest runner they came back as survivors
  // that the tests do kill when the same change is made by hand (docs/testing.md).
  ignoreStatic: true,
  mutate: [
    'src/generators/**/*.ts',
    'src/faults/**/*.ts',
    'src/model/hand-over.ts',
    'src/model/store.ts',
    'src/protocol/**/*.ts',
    'src/server/connection.ts',
  ],
  // Results are kept so the next run tests only mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  // Mutated sources get `// @ts-nocheck`; test files stay as they are (a docs test compares one
  // with its copy in docs/api.md byte for byte).
  disableTypeChecks: 'src/**/*.ts',
  // One test process: the machine it was written on has two cores, shared.
  concurrency: 1,
  // The suite's own timeouts are generous (sockets); a mutant that loops is cut off sooner.
  timeoutMS: 10_000,
  dryRunTimeoutMinutes: 20,
  thresholds: { high: 90, low: 85, break: null },
};
