import { mergeConfig } from 'vitest/config'
import base from './vitest.config'

/**
 * `npm run test:quick`: the unit suites that run in seconds, for the edit–test loop (under a
 * minute on two cores). Left out, and still run by `npm test`: the suites that build the app or
 * the CLI bundle and start processes (the CLI, its float64 references, the launch and packaging
 * tests) and the float32 kernel-path agreement over every optimizer.
 */
export const SLOW_SUITES = [
  'tests/main/kernel-path.test.ts',
  'tests/main/cli-reference.test.ts',
  'tests/main/cli.test.ts',
  'tests/main/build.test.ts',
  'tests/main/launch/**',
  'tests/main/packaging.test.ts',
  'tests/main/start.test.ts',
  'tests/main/network-reference-full.test.ts',
]

export default mergeConfig(base, {
  test: { exclude: [...(base.test?.exclude ?? []), ...SLOW_SUITES] },
})
