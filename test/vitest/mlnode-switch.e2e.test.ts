/**
 * Real vitest against a fake MLNode v0.2.12 (the simulator started here, given as MLNODE_URL):
 * switching the replica count both ways, a failed variant, a deploy that times out, and a node
 * that is restarting when the run starts. Then the same switching suite on the embedded simulator.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { BenchResult, RunResults } from '../../src/contracts/results.js'
import { defaultVariantResolver, startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/sim/index.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let base: string
let runs = 0

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'mlnb-switch-'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

/** The fake MLNode: the simulator with v0.2.12's behaviours; `--gpu-memory-utilization 0.85` starts never finish. */
async function fakeMlnode(options: SimulatorOptions = {}): Promise<SimulatorHandle & { log: string[] }> {
  const log: string[] = []
  const sim = await startSimulator({
    clock: 'virtual',
    hardware: '8xrtx-4070-ti-super',
    log: (line) => log.push(line),
    resolveVariant: (request, hardware) => {
      const planned = defaultVariantResolver(request, hardware)
      return request.additionalArgs.join(' ').includes('--gpu-memory-utilization 0.85') ? { ...planned, startupS: Number.POSITIVE_INFINITY } : planned
    },
    ...options,
  })
  onTestFinished(() => sim.close())
  return Object.assign(sim, { log })
}

function bench(args: string[], env: Record<string, string>) {
  const out = join(base, String(runs++))
  const child = execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', ...args], {
    cwd: repo,
    reject: false,
    timeout: 120_000,
    env: { MLNB_TEST_OUT: out, MLNODE_SIM_LOG: join(out, 'simulator.log'), MLNODE_URL: '', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  })
  const done = (async () => {
    const r = await child
    const results = await readFile(join(out, 'results.json'), 'utf8').then((t) => (JSON.parse(t) as RunResults).results, () => [] as BenchResult[])
    const find = (variant: string) => results.find((x) => x.variant === variant)
    return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}`, results, find, out }
  })()
  return { child, done }
}

const healthyVariants = ['tp1', 'tp8', 'tp2', 'tp4']

describe('switching variants on MLNode v0.2.12 (fake) without a failed request', () => {
  it('TP1 → TP8 → TP2 → a variant that fails → TP4: every healthy variant serves every request', async () => {
    const sim = await fakeMlnode()
    const r = await bench(['switch-variants'], { MLNODE_URL: sim.mgmtUrl }).done
    expect(r.exitCode, r.output).toBe(1)
    for (const variant of healthyVariants) {
      const x = r.find(variant)!
      expect(x.status, `${variant}: ${r.output}`).toBe('passed')
      expect(x.metrics!.requests).toMatchObject({ total: 16, completed: 16, failed: 0 })
      // The switch cost and the dtype sent are recorded for every deployed variant.
      expect(x.deployS, variant).toBeGreaterThan(0)
      expect(x.dtype).toBe('auto')
    }
    expect(r.output).toMatch(/— simulated 8xrtx-4070-ti-super \(simulated time\), dtype auto/)
    expect(r.output).toMatch(/failed\s+deploy s/)
    const junit = await readFile(join(r.out, 'junit.xml'), 'utf8')
    expect(junit.match(/name="deploy_s"/g)).toHaveLength(4)
    expect(r.find('tp8')!.layout).toMatchObject({ instances: 1 })
    expect(r.find('tp2-no-kv')).toMatchObject({ status: 'failed', failure: { kind: 'deploy', code: 'MLNB_DEPLOY_FAILED' } })
    expect(r.find('tp2-no-kv')!.failure!.message).toContain('MLNode gives no reason')
    // The proxy never kept a stale port: 8 → 1 showed no extra backends.
    expect(r.output).not.toMatch(/\d+\/1 healthy.*ERROR/)
    expect(r.output).not.toContain('stale')
  }, 150_000)

  it('a deploy that times out: the next variant still deploys after MLNode fails, freezes and restarts', async () => {
    const sim = await fakeMlnode()
    const r = await bench(['deploy-timeout'], { MLNODE_URL: sim.mgmtUrl, MLNB_TEST_DEPLOY_TIMEOUT_S: '3' }).done
    expect(r.find('tp2-stuck')).toMatchObject({ status: 'failed', failure: { kind: 'deploy', code: 'MLNB_DEPLOY_TIMEOUT' } })
    expect(r.find('tp2-stuck')!.failure!.message).toContain('not ready within the 3 s deadline')
    const tp4 = r.find('tp4')!
    expect(tp4.status, r.output).toBe('passed')
    expect(tp4.metrics!.requests).toMatchObject({ total: 8, completed: 8, failed: 0 })
    expect(r.output).toContain('down interrupted a start in progress')
    expect(sim.log).toEqual(expect.arrayContaining(['MLNode exited; container restarting', 'MLNode started']))
  }, 150_000)

  it('an MLNode that is restarting when the run starts: the first variant waits for it, none fails', async () => {
    // Find a free port, then leave it closed: the node "restarts" until we start it there.
    const probe = await startSimulator({ clock: 'virtual' })
    const port = Number(new URL(probe.mgmtUrl).port)
    await probe.close()
    const run = bench(['switch-variants', '-t', 'tp[84] ›'], { MLNODE_URL: `http://127.0.0.1:${port}` })
    let started: Promise<unknown> | undefined
    const start = (): void => void (started ??= fakeMlnode({ mgmtPort: port }))
    run.child.stdout?.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('refuses connections')) start()
    })
    // In case the worker's lines reach stdout only at the end: vitest is long past its start-up.
    const fallback = setTimeout(start, 20_000)
    const r = await run.done
    clearTimeout(fallback)
    expect(started, r.output).toBeDefined()
    expect(r.output).toContain('MLNode refuses connections (container restarting); waiting')
    expect(r.results.map((x) => `${x.variant} ${x.status}`).sort(), r.output).toEqual(['tp4 passed', 'tp8 passed'])
  }, 150_000)
})

describe('a real MLNode of catalogued GPUs (the simulator posing as one, on the wall clock)', () => {
  it('prints the prediction beside each variant, keeps it in results.json and summary.md', async () => {
    const sim = await startSimulator({
      clock: 'wall',
      posingAsReal: true,
      hardware: '2xh100-sxm',
      staggerS: 0.2,
      // Start-ups in half a real second instead of vLLM's minute.
      resolveVariant: (request, hardware) => ({ ...defaultVariantResolver(request, hardware), startupS: 0.5 }),
    })
    onTestFinished(() => sim.close())
    const r = await bench(['passing', '-t', 'tiny$'], { MLNODE_URL: sim.mgmtUrl }).done
    expect(r.exitCode, r.output).toBe(0)
    for (const variant of ['tp1', 'tp2']) {
      const x = r.find(variant)!
      expect(x.target).toMatchObject({ kind: 'mlnode', hardware: '2x NVIDIA H100 80GB HBM3' })
      expect(x.prediction).toMatchObject({ hardware: '2xh100-sxm', calibrated: false })
      expect(x.prediction!.figures.ttft_mean_ms).toBeGreaterThan(0)
    }
    expect(r.output.match(/predicted by model \(2xh100-sxm, uncalibrated\): TTFT mean [\d.]+ ms \(measured ×[\d.]+\)/g)).toHaveLength(2)
    expect(await readFile(join(r.out, 'summary.md'), 'utf8')).toMatch(/### Predicted vs measured[\s\S]*› tp2 › tiny \| TTFT mean \(ms\) \|/)
  }, 150_000)
})

describe('the same switching suite on the embedded simulator', () => {
  it('runs clean: healthy variants serve every request, the failing one fails', async () => {
    const r = await bench(['switch-variants'], {}).done
    expect(r.exitCode).toBe(1)
    for (const variant of healthyVariants) expect(r.find(variant)!.metrics!.requests, r.output).toMatchObject({ total: 16, failed: 0 })
    expect(r.find('tp2-no-kv')!.status).toBe('failed')
  }, 150_000)
})
