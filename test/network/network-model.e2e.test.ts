/**
 * deploymentSuite({ networkModel }) run by REAL vitest bench against the embedded simulator: the
 * guard refuses a variant that drops a chain-fixed arg, naming the arg and the chain entry; with
 * MLNODE_BENCH_CHAIN_URL the global setup reads the stand-in chain once, prints how it differs from
 * the snapshot, and every result records the live entry.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchResult, RunResults } from '../../src/contracts/results.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { networkModelEntry } from '../../src/network/registry.js'
import { startChainServer, type ChainServer } from './chain-server.js'
import { MODELS, NODE_INFO, PARAMS, modelsAllBody, nodeInfoBody } from './fixtures/gateway.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let base: string
let runs = 0

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'mlnb-network-'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

async function bench(filter: string, extraEnv: Record<string, string> = {}) {
  const out = join(base, String(runs++))
  const r = await execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/network/fixtures/suites/vitest.config.ts', filter], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_SIM_LOG: join(out, 'simulator.log'), MLNODE_URL: '', MLNODE_BENCH_CHAIN_URL: '', NO_COLOR: '1', FORCE_COLOR: '0', ...extraEnv },
  })
  const results = await readFile(join(out, 'results.json'), 'utf8').then((t) => (JSON.parse(t) as RunResults).results, () => [] as BenchResult[])
  return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}`, results }
}

describe('networkModel suites under real vitest', () => {
  it('Kimi-K2.6 and Qwen3-235B-FP8 run on the simulator with the chain args; a MiniMax-M2.7 variant changing its fp8 KV cache is refused', async () => {
    const ok = await bench('governance-kimi')
    expect(ok.exitCode, ok.output).toBe(0)
    const kimi = ok.results.find((x) => x.model === 'moonshotai/Kimi-K2.6')!
    expect(kimi).toMatchObject({ status: 'passed', networkModel: { id: 'moonshotai/Kimi-K2.6', registry: 'snapshot', chainVersion: 'v0.2.13' } })
    expect(kimi.args.slice(0, 7)).toEqual(networkModelEntry('moonshotai/Kimi-K2.6').modelArgs)
    const qwen = await bench('governance-qwen3')
    expect(qwen.exitCode, qwen.output).toBe(0)
    expect(qwen.results[0]).toMatchObject({ status: 'passed', model: 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8' })
    const minimax = await bench('governance-minimax')
    expect(minimax.exitCode).toBe(1)
    expect(minimax.output).toContain("mandatory --kv-cache-dtype (fixed by the chain entry MiniMaxAI/MiniMax-M2.7 (snapshot, chain v0.2.13, inference-chain/app/upgrades/v0_2_13/upgrades.go)) is changed: expected 'fp8', actual 'auto'")
  }, PROCESS_TEST_TIMEOUT_MS * 2)

  it('a variant dropping the fp8 KV cache of QwQ-32B is refused before deploy, naming the arg and the chain entry', async () => {
    const r = await bench('qwq-network-guard')
    expect(r.exitCode).toBe(1)
    expect(r.output).toContain(
      "mandatory --kv-cache-dtype (fixed by the chain entry Qwen/QwQ-32B (snapshot, chain genesis, genesis/genesis-overrides.json)) is changed: expected 'fp8', actual 'auto'",
    )
    expect(r.output).not.toContain('deploying on')
  }, PROCESS_TEST_TIMEOUT_MS)

  it('without a chain, the snapshot entry fixes the args and every result records it', async () => {
    const r = await bench('qwq-network.bench')
    expect(r.exitCode, r.output).toBe(0)
    expect(r.output).not.toContain('network models read from the chain')
    expect(r.output).toContain('QwQ-32B validation threshold 0.85\n')
    expect(r.results.length).toBeGreaterThan(0)
    for (const result of r.results) {
      expect(result.args.slice(0, 4)).toEqual(['--quantization', 'fp8', '--kv-cache-dtype', 'fp8'])
      expect(result.networkModel).toEqual({ id: 'Qwen/QwQ-32B', registry: 'snapshot', chainVersion: 'genesis', file: 'genesis/genesis-overrides.json' })
    }
  }, PROCESS_TEST_TIMEOUT_MS)

  it('with MLNODE_BENCH_CHAIN_URL the live entry is read once, its differences printed, and recorded in every result', async () => {
    // The chain serves QwQ-32B with another threshold than the snapshot (the args are the same).
    const qwq = {
      proposed_by: 'genesis',
      id: 'Qwen/QwQ-32B',
      units_of_compute_per_token: '1000',
      hf_repo: 'Qwen/QwQ-32B',
      hf_commit: '976055f8c83f394f35dbd3ab09a285a984907bd0',
      model_args: ['--quantization', 'fp8', '--kv-cache-dtype', 'fp8'],
      v_ram: '80',
      throughput_per_nonce: '1000',
      validation_threshold: { value: '9', exponent: -1 },
    }
    const chain: ChainServer = await startChainServer({
      [MODELS]: { body: modelsAllBody([qwq]) },
      [PARAMS]: { body: JSON.stringify({ params: { poc_params: { models: [] } } }) },
      [NODE_INFO]: { body: nodeInfoBody('v0.2.14') },
    })
    try {
      const r = await bench('qwq-network.bench', { MLNODE_BENCH_CHAIN_URL: chain.url })
      expect(r.exitCode, r.output).toBe(0)
      expect(r.output).toContain(`network models read from the chain at ${chain.url} (version v0.2.14): 1 model(s); networkModel suites use these live values`)
      expect(r.output).toContain('  - Qwen/QwQ-32B validationThreshold: snapshot 0.85 → live 0.9')
      expect(r.output).toContain('  - moonshotai/Kimi-K2.6: in the snapshot, not on the chain')
      // networkModelEntry() in the suite file answers from the same live registry.
      expect(r.output).toContain('QwQ-32B validation threshold 0.9\n')
      expect(r.results.length).toBeGreaterThan(0)
      for (const result of r.results) {
        expect(result).toMatchObject({ model: 'Qwen/QwQ-32B', status: 'passed', args: ['--quantization', 'fp8', '--kv-cache-dtype', 'fp8', '--tensor-parallel-size', '4', '--pipeline-parallel-size', '2'] })
        expect(result.networkModel).toEqual({ id: 'Qwen/QwQ-32B', registry: 'live', chainVersion: 'v0.2.14', url: chain.url })
      }
      // Read once, by the global setup: the workers never ask the chain.
      expect(chain.requests.filter((p) => p === MODELS)).toHaveLength(1)
    } finally {
      await chain.close()
    }
  }, PROCESS_TEST_TIMEOUT_MS)

  it('a chain that cannot be read fails the run, naming the URL: never a silent fallback to the snapshot', async () => {
    const chain = await startChainServer({})
    const url = chain.url
    await chain.close()
    const r = await bench('qwq-network.bench', { MLNODE_BENCH_CHAIN_URL: url, MLNODE_BENCH_CHAIN_TIMEOUT_MS: '2000' })
    expect(r.exitCode).not.toBe(0)
    expect(r.output).toContain(`Chain REST API at ${url}${MODELS}: unreachable (ECONNREFUSED)`)
    expect(r.output).not.toContain('deploying on')
  }, PROCESS_TEST_TIMEOUT_MS)
})
