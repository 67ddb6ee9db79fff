import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // Suites import the package by name, as a user's project does.
    alias: { 'mlnode-bench': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    testTimeout: 20_000,
    benchmark: {
      include: ['benchmarks/**/*.bench.ts'],
      exclude: ['**/node_modules/**', 'benchmarks/broken/**'],
    },
  },
})
