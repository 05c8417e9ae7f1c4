import { defineConfig } from 'vitest/config'

/** End-to-end tests: the web host + headless Chromium (SwiftShader). Slow; run with `npm run test:e2e`. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
