/**
 * The vllm target's own promises beyond the contract (contract.test.ts): instances laid out as
 * MLNode lays them out (CUDA_VISIBLE_DEVICES per instance), their logs in the run's folder, one
 * endpoint balancing over them, leftovers of a dead run killed, and its variables checked.
 */
import { consoleInto } from '../console-lines.js'
import { execa } from 'execa'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '../../../src/errors.js'
import { suiteBenches } from '../../../src/run/suite-benches.js'
import { prepareVariants } from '../../../src/run/prepare-variants.js'
import { resolveSuiteOptions } from '../../../src/run/suite-options.js'
import type { DeployRequest } from '../../../src/run/target.js'
import { vllmTargetKind, type VllmConfig, VllmTarget } from '../../../src/run/targets/vllm.js'
import { useTempDir } from '../../temp-dir.js'

const MODEL = 'Qwen/Qwen2.5-7B-Instruct'
const FAKE_VLLM = fileURLToPath(new URL('../../fixtures/vllm/vllm', import.meta.url))

describe('the vllm target', () => {
  const temp = useTempDir('mlnb-vllm-')
  let config: VllmConfig
  let teardown: (() => Promise<void> | void) | undefined
  const lines: string[] = []
  let target: VllmTarget

  beforeAll(async () => {
    const choice = vllmTargetKind.select({ MLNODE_BENCH_TARGET: 'vllm', MLNODE_BENCH_VLLM: FAKE_VLLM, MLNODE_BENCH_VLLM_GPUS: '0,1' })
    expect(choice.banner).toContain('GPUs 0,1')
    ;({ config, teardown } = await vllmTargetKind.setUp(choice, { root: temp(), watch: false, allowWatch: false, notify: () => undefined }))
    target = new VllmTarget(config, consoleInto(lines))
  })
  afterAll(async () => {
    await target.close()
    await teardown?.()
  })

  const suite = resolveSuiteOptions({ model: MODEL, mandatoryArgs: [], variants: { tp1: ['--tensor-parallel-size', '1'], tp2: ['--tensor-parallel-size', '2'] }, workloads: [] })
  const request = (name: string): DeployRequest => ({ model: MODEL, dtype: 'auto', variant: prepareVariants(suite, 'a.bench.ts').find((v) => v.name === name)!, deployTimeoutS: 60 })

  it('starts one `vllm serve` per instance on its own GPUs, logs each, and balances the load over them', async () => {
    const deployed = await target.ready(request('tp1'))
    expect(deployed.layout).toMatchObject({ instances: 2, gpusPerInstance: 1 })
    const logs = readdirSync(join(temp(), '.mlnode-bench/vllm')).filter((n) => n.endsWith('.log')).sort()
    expect(logs).toEqual(['tp1-0.log', 'tp1-1.log'])
    const first = readFileSync(join(temp(), '.mlnode-bench/vllm', logs[0]!), 'utf8')
    expect(first).toMatch(/^\$ CUDA_VISIBLE_DEVICES=0 \S+ serve Qwen\/Qwen2\.5-7B-Instruct --dtype auto --port \d+ --host 127\.0\.0\.1 --tensor-parallel-size 1/)
    expect(readFileSync(join(temp(), '.mlnode-bench/vllm', logs[1]!), 'utf8')).toContain('CUDA_VISIBLE_DEVICES=1 ')
    // A pid file per running process group, for the main process's Ctrl-C handler.
    expect(readdirSync(join(temp(), '.mlnode-bench/vllm/pids'))).toHaveLength(2)
    const { inferenceUrl } = target.endpoint(request('tp1'))
    const sources = target.metricsSources(request('tp1')).urls
    expect(sources).toHaveLength(2)
    expect(sources).not.toContain(`${inferenceUrl}/metrics`)
    // Four requests, two in flight at a time: each instance serves some.
    const ask = () => fetch(`${inferenceUrl}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, prompt: 'hello', max_tokens: 4 }) }).then((r) => r.json())
    for (let i = 0; i < 2; i++) await Promise.all([ask(), ask()])
    const generated = await Promise.all(sources.map(async (url) => Number((await (await fetch(url)).text()).match(/^vllm:generation_tokens_total\{[^}]*\} (\d+)/m)?.[1])))
    for (const tokens of generated) expect(tokens).toBeGreaterThan(0)
    expect(generated[0]! + generated[1]!).toBeLessThanOrEqual(16)
  })

  it('stops the previous variant before the next starts, on the GPUs its layout needs', async () => {
    const before = target.metricsSources(request('tp1')).urls
    const deployed = await target.ready(request('tp2'))
    expect(deployed.layout).toMatchObject({ instances: 1, gpusPerInstance: 2 })
    expect(readFileSync(join(temp(), '.mlnode-bench/vllm/tp2-0.log'), 'utf8')).toContain('CUDA_VISIBLE_DEVICES=0,1 ')
    for (const url of before) expect(await fetch(url).then(() => 'up', () => 'down')).toBe('down')
    expect(readdirSync(join(temp(), '.mlnode-bench/vllm/pids'))).toHaveLength(1)
    expect(lines.some((l) => l.includes('starting 1 vLLM instance(s) of TP2xPP1'))).toBe(true)
  })

  it('refuses a layout that does not fit its GPUs before starting anything', async () => {
    const wide = resolveSuiteOptions({ model: MODEL, mandatoryArgs: [], variants: { tp4: ['--tensor-parallel-size', '4'] }, workloads: [] })
    const deploy: DeployRequest = { model: MODEL, dtype: 'auto', variant: prepareVariants(wide, 'a.bench.ts')[0]!, deployTimeoutS: 60 }
    const error = await target.ready(deploy).catch((e: unknown) => e)
    expect(hasCode(error, 'MLNB_LAYOUT')).toBe(true)
    expect(existsSync(join(temp(), '.mlnode-bench/vllm/tp4-0.log'))).toBe(false)
  })

  it('refuses several simulators on simulated time behind one balancer (their protocol spans one server)', async () => {
    process.env.FAKE_VLLM_CLOCK = 'virtual'
    try {
      const error = await target.ready({ ...request('tp1'), variant: { ...request('tp1').variant, name: 'tp1-virtual' } }).catch((e: unknown) => e)
      expect(hasCode(error, 'MLNB_DEPLOY_FAILED')).toBe(true)
      expect((error as Error).message).toContain('2 simulators on simulated time')
    } finally {
      delete process.env.FAKE_VLLM_CLOCK
    }
    // Stopped with the failure: nothing left running.
    expect(readdirSync(join(temp(), '.mlnode-bench/vllm/pids'))).toEqual([])
  })

  it('kills what a run that died left running, and only that (a pid reused since is left alone)', async () => {
    const dir = join(temp(), 'dead-run')
    const sleeper = (port: string) => execa(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', 'serve', MODEL, '--port', port], { detached: true, reject: false, cleanup: false })
    const ours = sleeper('41001')
    const reused = sleeper('41002')
    mkdirSync(join(dir, 'pids'), { recursive: true })
    writeFileSync(join(dir, 'pids', String(ours.pid)), `${MODEL} tp1 #0 port 41001\n`)
    // A file naming a pid that now runs something else (another port).
    writeFileSync(join(dir, 'pids', String(reused.pid)), `${MODEL} tp1 #1 port 49999\n`)
    const choice = vllmTargetKind.select({ MLNODE_BENCH_VLLM: FAKE_VLLM, MLNODE_BENCH_VLLM_GPUS: '0', MLNODE_BENCH_VLLM_LOGS: dir })
    const { teardown: stop } = await vllmTargetKind.setUp(choice, { root: temp(), watch: false, allowWatch: false, notify: () => undefined })
    try {
      expect((await ours).signal).toBe('SIGKILL')
      // Given time to die had it been signalled too.
      await new Promise((r) => setTimeout(r, 300))
      expect(reused.exitCode).toBeNull()
      expect(reused.signalCode).toBeNull()
      expect(readdirSync(join(dir, 'pids'))).toEqual([])
    } finally {
      reused.kill('SIGKILL')
      await reused
      await stop?.()
    }
  })

  it('is refused in watch mode unless allowed, as MLNode is', () => {
    const options = { model: MODEL, mandatoryArgs: [], variants: { tp1: [] }, workloads: [{ name: 'w', requests: 1, concurrency: 1, prompt: { tokens: 10 }, maxTokens: 2 }] }
    const plan = (runMode: { watch: boolean; allowWatch: boolean }, allowWatch?: boolean) => () =>
      suiteBenches({ options, suite: resolveSuiteOptions({ ...options, ...(allowWatch ? { allowWatch } : {}) }), config, runMode, file: join(temp(), 'a.bench.ts'), source: 'a.bench.ts' })
    expect(plan({ watch: true, allowWatch: false })).toThrow(/a\.bench\.ts: vitest is in watch mode and the target starts vLLM on 2 GPU\(s\)/)
    expect(plan({ watch: true, allowWatch: true })).not.toThrow()
    expect(plan({ watch: true, allowWatch: false }, true)).not.toThrow()
    expect(plan({ watch: false, allowWatch: false })).not.toThrow()
  })

  it.each([
    ['/nonexistent/vllm', 'is not an executable file'],
    ['no-such-vllm-here', 'is not on the PATH'],
  ])('refuses a vLLM executable that cannot run (%s) before anything starts', async (command, why) => {
    const choice = vllmTargetKind.select({ MLNODE_BENCH_VLLM: command, MLNODE_BENCH_VLLM_GPUS: '0' })
    const error = await vllmTargetKind.setUp(choice, { root: temp(), watch: false, allowWatch: false, notify: () => undefined }).catch((e: unknown) => e)
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toContain(`"${command}" ${why}`)
    expect((error as Error).message).toContain('MLNODE_BENCH_VLLM')
  })

  it.each([
    [{ MLNODE_BENCH_VLLM_GPUS: '0,gpu1' }, 'MLNODE_BENCH_VLLM_GPUS="0,gpu1"'],
  ])('refuses %o naming the variable and value', (env, named) => {
    let error: unknown
    try {
      vllmTargetKind.select(env)
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toContain(named)
  })
})
