/**
 * `plan --write-suite` writes a suite that runs for real: real vitest bench on the written file
 * against the embedded simulator, from a project directory outside the repo.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/plan.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { useTempDir } from '../temp-dir.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const dir = useTempDir('mlnb-plan-suite-')

describe('plan --write-suite', () => {
  it('writes the top 2 plus --include as a suite that real vitest runs on the simulator', async () => {
    const suiteFile = join(dir(), 'planned.bench.ts')
    const out: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
    const argv = ['--model', 'Qwen/Qwen2.5-7B-Instruct', '--hardware', '4xrtx-3090', '--mandatory-args', '--quantization fp8']
    const code = await run([...argv, '--workloads', join(repo, 'test/fixtures/plan/tiny.yml'), '--write-suite', suiteFile, '--include', 'tp1-pp4'])
    vi.restoreAllMocks()
    expect(code).toBe(0)
    const text = await readFile(suiteFile, 'utf8')
    const names = [...text.matchAll(/^ {4}"([^"]+)": \[/gm)].map((m) => m[1]!)
    expect(names).toHaveLength(3)
    expect(names).toContain('tp1-pp4')
    expect(text).toContain('mandatoryArgs: ["--quantization", "fp8"]')
    expect(text).toContain('(simulated)')
    expect(out.join('\n')).toContain(`wrote ${suiteFile}`)

    // A project of its own: the written suite, the package under its public name, the simulator.
    await writeFile(
      join(dir(), 'vitest.config.ts'),
      `export default { resolve: { alias: { 'mlnode-bench': ${JSON.stringify(join(repo, 'src/index.ts'))} } }, test: { globalSetup: [${JSON.stringify(join(repo, 'src/vitest/global-setup.ts'))}], benchmark: { include: ['*.bench.ts'] } } }\n`,
    )
    const r = await execa(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'bench', '--run', '--root', dir(), '--config', join(dir(), 'vitest.config.ts')], {
      cwd: dir(),
      reject: false,
      timeout: CHILD_TIMEOUT_MS,
      env: { MLNODE_URL: '', MLNODE_BENCH_TARGET: '', NO_COLOR: '1', FORCE_COLOR: '0' },
    })
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.exitCode, output).toBe(0)
    for (const name of names) expect(output).toMatch(new RegExp(`\\[Qwen/Qwen2\\.5-7B-Instruct ${name.replace('.', '\\.')}\\] ready after`))
    expect(output).toContain('target is the EMBEDDED SIMULATOR')
  }, PROCESS_TEST_TIMEOUT_MS)
})
