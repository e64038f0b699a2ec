import { defineConfig } from 'vitest/config';

// Tests import the built `dist/` only through the CLI (e2e); unit and integration tests import `src/`.
// isolated-vm needs --no-node-snapshot, which is a per-process flag: the sandbox always runs in a
// forked child started with it, so vitest's own workers never load isolated-vm.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
