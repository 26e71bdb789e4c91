/**
 * Test projects. `unit`: pure logic, colocated `*.test.ts`. `integration`: `*.int.test.ts` against the real Redis
 * and the real MongoDB-wire server resolved by jest.global-setup.js (never mocked; missing services fail the run).
 */
const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        transform: { react: { runtime: 'automatic' } },
        target: 'es2022',
      },
    },
  ],
};
// Tests see workspace sources, not their builds.
const moduleNameMapper = { '^@logstream/([a-z-]+)$': '<rootDir>/$1/src' };
const ignored = ['/node_modules/', '/dist/', '/.next/', '/.cache/'];

module.exports = {
  // Integration and browser tests start processes; unit tests finish in milliseconds either way.
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: [
        '<rootDir>/*/src/**/*.test.ts',
        '<rootDir>/*/src/**/*.test.tsx',
        '<rootDir>/dashboard/lib/**/*.test.ts',
      ],
      testPathIgnorePatterns: [...ignored, '\\.int\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: [
        '<rootDir>/*/src/**/*.int.test.ts',
        '<rootDir>/*/test/**/*.int.test.ts',
        '<rootDir>/dashboard/lib/**/*.int.test.ts',
      ],
      testPathIgnorePatterns: ignored,
      globalSetup: '<rootDir>/jest.global-setup.js',
      globalTeardown: '<rootDir>/jest.global-teardown.js',
    },
    {
      displayName: 'browser',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/dashboard/e2e/**/*.e2e.test.ts'],
      testPathIgnorePatterns: ignored,
      globalSetup: '<rootDir>/jest.global-setup.js',
      globalTeardown: '<rootDir>/jest.global-teardown.js',
    },
  ],
};
