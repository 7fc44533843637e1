import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'plugins/*', 'apps/*'],
    exclude: ['**/node_modules/**', '**/dist/**'],
  },
});
