import { defineConfig } from 'vitest/config';
import { ALL, NOT_UNIT, TIERS } from './test/tiers.ts';

// One JUnit file per tier run (`make <tier>` passes --project); .ci/run sums every reports/*.xml.
const tier = process.env.VITEST_TIER ?? 'all';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: `reports/vitest-${tier}-junit.xml` },
    projects: [
      { extends: true, test: { name: 'unit', include: ALL, exclude: ['**/node_modules/**', '**/dist/**', ...NOT_UNIT] } },
      ...Object.entries(TIERS).map(([name, include]) => ({ extends: true, test: { name, include: [...include] } })),
    ],
  },
});
