/**
 * The package as a CommonJS project installs it (`npm init -y`: no "type": "module"): Vite loads a
 * `vitest.config.ts` there with `require`, so `mlnode-bench/reporters` must resolve under the
 * require condition too (Node >= 20.19, the range Vite needs anyway, loads ES modules through
 * require). Real vitest on a project outside the repo whose node_modules hold the BUILT package
 * (compiled with its build config) under its own package.json, as an installed tarball would.
 */
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { builtPackage } from '../helpers/built-package.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { useTempDir } from '../temp-dir.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const dir = useTempDir('mlnb-cjs-project-')

const CONFIG = `import { defineConfig } from 'vitest/config'
import { BaselineReporter, benchRunReporters, ConsoleReporter, JUnitReporter, ResultsJsonReporter } from 'mlnode-bench/reporters'

const reporters = [new ConsoleReporter(), new ResultsJsonReporter(), new JUnitReporter(), new BaselineReporter()]

export default defineConfig({
  test: {
    reporters: benchRunReporters(reporters),
    globalSetup: ['mlnode-bench/global-setup'],
    benchmark: { include: ['benchmarks/**/*.bench.ts'], reporters },
  },
})
`
const SUITE = `import { deploymentSuite } from 'mlnode-bench'

deploymentSuite({
  model: 'Qwen/Qwen2.5-7B-Instruct',
  mandatoryArgs: ['--quantization', 'fp8'],
  variants: { 'tp2-x2': ['-tp', '2'] },
  hardware: '4xrtx-3090',
  workloads: [{ name: 'tiny', requests: 4, concurrency: 2, prompt: { tokens: 64 }, maxTokens: 8 }],
})
`

describe('a CommonJS project', () => {
  it('runs vitest.config.ts importing mlnode-bench/reporters, and the suite against the simulator', async () => {
    // The package's own build, inside the repo so its files resolve the repo's node_modules (undici, yaml…) as dist/ does.
    const builtDir = await builtPackage()
    const project = dir()
    const installed = join(project, 'node_modules', 'mlnode-bench')
    await mkdir(installed, { recursive: true })
    await copyFile(join(repo, 'package.json'), join(installed, 'package.json'))
    await symlink(builtDir, join(installed, 'dist'), 'dir')
    await symlink(join(repo, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir')
    await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'cjs-project', version: '1.0.0', type: 'commonjs' }, null, 2)}\n`)
    await writeFile(join(project, 'vitest.config.ts'), CONFIG)
    await mkdir(join(project, 'benchmarks'))
    await writeFile(join(project, 'benchmarks', 'qwen.bench.ts'), SUITE)

    const r = await execa(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'bench', '--run'], {
      cwd: project,
      reject: false,
      timeout: CHILD_TIMEOUT_MS,
      env: { MLNODE_URL: '', MLNODE_BENCH_TARGET: '', NO_COLOR: '1', FORCE_COLOR: '0' },
    })
    const output = `${r.stdout}\n${r.stderr}`
    expect(output).not.toContain('ESM only')
    expect(r.exitCode, output).toBe(0)
    expect(output).toContain('target is the EMBEDDED SIMULATOR')
    expect(output).toContain('mlnode-bench: 1 passed, 0 failed')
    expect(output).toContain('mlnode-bench: results written to .mlnode-bench/results.json: 1 from this run')
  }, PROCESS_TEST_TIMEOUT_MS)
})
