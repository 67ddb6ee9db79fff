/** `mlnode-bench models`: the snapshot, a live chain on 127.0.0.1 with its differences marked, and the errors. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.js'
import { startChainServer, type ChainServer } from './chain-server.js'
import { MODELS, mainnetModels, mainnetRoutes } from './fixtures/gateway.js'

let chain: ChainServer | undefined
afterEach(async () => {
  vi.restoreAllMocks()
  await chain?.close()
  chain = undefined
})

async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)))
  const saved = process.env.MLNODE_BENCH_CHAIN_URL
  if ('MLNODE_BENCH_CHAIN_URL' in env) process.env.MLNODE_BENCH_CHAIN_URL = env.MLNODE_BENCH_CHAIN_URL
  else delete process.env.MLNODE_BENCH_CHAIN_URL
  try {
    const code = await main(['models', ...argv])
    return { code, stdout: out.join('\n'), stderr: err.join('\n') }
  } finally {
    if (saved === undefined) delete process.env.MLNODE_BENCH_CHAIN_URL
    else process.env.MLNODE_BENCH_CHAIN_URL = saved
  }
}

describe('mlnode-bench models', () => {
  it('lists the snapshot with args, VRam, threshold, PoC seq_len and source', async () => {
    const r = await cli([])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Network models (snapshot shipped with mlnode-bench; --chain <url> reads a live chain)')
    expect(r.stdout).toContain(
      [
        'moonshotai/Kimi-K2.6',
        '  args        --enable-auto-tool-choice --max-model-len 240000 --tool-call-parser kimi_k2 --reasoning-parser kimi_k2',
        '  VRam        720 GB',
        '  threshold   0.9',
        '  PoC seq_len 1024 (dist_threshold 0.4, p_mismatch 0.1)',
        '  HF          moonshotai/Kimi-K2.6@5a49d036ab7472b7d5912ded487150ec1358c11d',
        '  source      snapshot, chain v0.2.13, inference-chain/app/upgrades/v0_2_13/upgrades.go',
      ].join('\n'),
    )
    expect(r.stdout).toContain('  PoC seq_len -')
  })

  it('--json gives the entries; --model one of them', async () => {
    const r = await cli(['--json', '--model', 'MiniMaxAI/MiniMax-M2.7'])
    const parsed = JSON.parse(r.stdout) as { registry: string; models: Array<{ id: string; vramGb: number; poc: { seqLen: number } }> }
    expect(parsed.registry).toBe('snapshot')
    expect(parsed.models).toHaveLength(1)
    expect(parsed.models[0]).toMatchObject({ id: 'MiniMaxAI/MiniMax-M2.7', vramGb: 320, validationThreshold: 0.922, poc: { seqLen: 1024 } })
  })

  it('--chain reads the live chain and marks each field that differs from the snapshot', async () => {
    chain = await startChainServer(mainnetRoutes(mainnetModels().map((m) => (m.id === 'MiniMaxAI/MiniMax-M2.7' ? { ...m, model_args: m.model_args.filter((a) => a !== '--enable-auto-tool-choice') } : m))))
    const r = await cli(['--chain', chain.url])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`Network models on the chain at ${chain.url} (version v0.2.13); * = differs from the snapshot of mlnode-bench`)
    expect(r.stdout).toContain('  args        --max-model-len 180000 --kv-cache-dtype fp8 --tool-call-parser minimax_m2 --reasoning-parser minimax_m2_append_think *')
    expect(r.stdout).toContain(`  source      live chain ${chain.url} (version v0.2.13)`)
    expect(r.stdout).toContain('Differences from the snapshot:')
    expect(r.stdout).toContain('  - MiniMaxAI/MiniMax-M2.7 modelArgs: snapshot --enable-auto-tool-choice --max-model-len 180000')
    expect(r.stdout).toContain('  - Qwen/QwQ-32B: in the snapshot, not on the chain')
    // The env var does the same; --json carries the diff.
    const j = await cli(['--json'], { MLNODE_BENCH_CHAIN_URL: chain.url })
    const parsed = JSON.parse(j.stdout) as { registry: string; diff: { changed: Array<{ id: string; field: string }> } }
    expect(parsed.registry).toBe('live')
    expect(parsed.diff.changed).toEqual([expect.objectContaining({ id: 'MiniMaxAI/MiniMax-M2.7', field: 'modelArgs' })])
  })

  it('an unknown model: exit 1, the known ones and the closest', async () => {
    const r = await cli(['--model', 'Qwen/QwQ-32'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('mlnode-bench models: Network model "Qwen/QwQ-32" is not in the snapshot of mlnode-bench. Did you mean "Qwen/QwQ-32B"? Known: moonshotai/Kimi-K2.6,')
  })

  it('an unreachable or slow chain, and malformed JSON: exit 1 naming the URL', async () => {
    chain = await startChainServer({ ...mainnetRoutes(), [MODELS]: 'hang' })
    const slow = await cli(['--chain', chain.url, '--timeout-ms', '200'])
    expect(slow.code).toBe(1)
    expect(slow.stderr).toContain(`mlnode-bench models: Chain REST API at ${chain.url}${MODELS}: no answer within 200 ms`)
    chain.routes.set(MODELS, { body: '{"model":[{"id":"x"}]}' })
    const bad = await cli(['--chain', chain.url])
    expect(bad.stderr).toContain(`mlnode-bench models: Chain answer from ${chain.url}${MODELS}: field "model[0].hf_repo" is missing`)
    const url = chain.url
    await chain.close()
    chain = undefined
    const down = await cli(['--chain', url])
    expect(down.code).toBe(1)
    expect(down.stderr).toContain(`Chain REST API at ${url}${MODELS}: unreachable (ECONNREFUSED)`)
  })

  it('a bad option is a usage error (exit 2)', async () => {
    expect((await cli(['--timeout-ms', '0'])).code).toBe(2)
  })
})
