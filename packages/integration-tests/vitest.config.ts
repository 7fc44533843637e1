import { defineProject } from 'vitest/config';

// Real processes on a 2-core machine: one file at a time, after the other projects, with room.
export default defineProject({
  test: {
    name: '@chorale/integration-tests',
    fileParallelism: false,
    sequence: { groupOrder: 1 },
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
