import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Spawned-CLI tests run bin/keel.mjs → dist/: rebuilt first when src/ changed since the last build.
    globalSetup: ['test/support/fresh-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
