/** Jest runs the TypeScript sources directly (SWC), as ES modules. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  globalSetup: '<rootDir>/tests/support/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/support/global-teardown.mjs',
  setupFiles: ['<rootDir>/tests/support/pg-boss-timers.ts'],
  testTimeout: 60000,
  // Three test files at a time on two cores: the suites mostly wait (simulated provider latency,
  // rate windows, child servers, polling), using ~20-25 % of a core each. The whole suite with 3
  // workers on a loaded 2-core machine (load 8-11): 108 files, 1,100 s, all passing; with 2 it
  // grew past the ~15-minute budget as providers were added.
  maxWorkers: 3,
};
