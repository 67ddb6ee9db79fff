/**
 * Before a deploy on a real MLNode, the model's place in MLNode's cache (models/routes.py): a
 * download is started and waited for with progress, its time kept out of the deploy time; a
 * cached model deploys at once; a node without the routes deploys as before. Real HTTP against
 * the fake MLNode of test/mlnode.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { waitForModelCache } from '../../src/mlnode/model-cache.js'
import { MlnodeTarget } from '../../src/run/mlnode-target.js'
import type { DeployRequest } from '../../src/run/target.js'
import { healthyRoutes, sequence, startFakeMlnode, type Handler } from '../mlnode/fake-mlnode.js'

const MODEL = 'Qwen/QwQ-32B'
const status = (s: string, extra: object = {}): [number, unknown] => [200, { model: { hf_repo: MODEL, hf_commit: null }, status: s, progress: null, error_message: null, ...extra }]

async function fake(extra: Record<string, Handler>) {
  const node = await startFakeMlnode({ ...healthyRoutes({ model: MODEL, gpus: 8, replicas: [1] }), ...extra })
  onTestFinished(() => node.close())
  return node
}

describe('the model cache before a deploy', () => {
  it('NOT_FOUND: starts the download, waits with progress, says how long', async () => {
    const node = await fake({
      'POST /api/v1/models/status': sequence(status('NOT_FOUND'), status('DOWNLOADING', { progress: { start_time: 1, elapsed_seconds: 3 } }), status('DOWNLOADING', { progress: { start_time: 1, elapsed_seconds: 6 } }), status('DOWNLOADED')),
      'POST /api/v1/models/download': sequence([202, { task_id: `${MODEL}:latest`, status: 'DOWNLOADING', model: { hf_repo: MODEL, hf_commit: null } }]),
    })
    const lines: string[] = []
    const outcome = await waitForModelCache(node.url, MODEL, { label: '[m v]', print: (l) => lines.push(l), deadlineAt: performance.now() + 10_000, pollIntervalMs: 20, printEveryMs: 0 })
    expect(outcome?.status).toBe('NOT_FOUND')
    expect(outcome!.waitedS).toBeGreaterThan(0.05)
    expect(node.count('POST /api/v1/models/download')).toBe(1)
    expect(node.requests.find((r) => r.url === '/api/v1/models/status')?.body).toBe(JSON.stringify({ hf_repo: MODEL, hf_commit: null }))
    expect(lines[0]).toBe(`[m v] ${MODEL} is NOT_FOUND in MLNode's cache: waiting for the download (not counted as deploy time)`)
    expect(lines).toContain(`[m v] downloading ${MODEL}: 6 s so far (MLNode)`)
    expect(lines.at(-1)).toMatch(new RegExp(`^\\[m v\\] ${MODEL.replace('/', '\\/')} downloaded after [\\d.]+ s$`))
  })

  it('a download that fails stops the deploy with its reason; one that never ends times out', async () => {
    const failing = await fake({ 'POST /api/v1/models/status': sequence(status('DOWNLOADING'), status('PARTIAL', { error_message: 'disk full' })) })
    await expect(waitForModelCache(failing.url, MODEL, { label: '[m]', print: () => {}, deadlineAt: performance.now() + 10_000, pollIntervalMs: 20 })).rejects.toMatchObject({ code: 'MLNB_DEPLOY_FAILED', message: expect.stringContaining('stopped: status PARTIAL: disk full') })
    const endless = await fake({ 'POST /api/v1/models/status': sequence(status('DOWNLOADING')) })
    await expect(waitForModelCache(endless.url, MODEL, { label: '[m]', print: () => {}, deadlineAt: performance.now() + 100, pollIntervalMs: 20 })).rejects.toMatchObject({ code: 'MLNB_DEPLOY_TIMEOUT' })
  })

  it('a node without the routes (404) or refusing them (401) says nothing: deploy as before', async () => {
    const old = await fake({})
    expect(await waitForModelCache(old.url, MODEL, { label: '[m]', print: () => {}, deadlineAt: performance.now() + 1000 })).toBeUndefined()
    const signed = await fake({ 'POST /api/v1/models/status': sequence([401, { detail: 'Missing signature' }]) })
    expect(await waitForModelCache(signed.url, MODEL, { label: '[m]', print: () => {}, deadlineAt: performance.now() + 1000 })).toBeUndefined()
  })

  it('a deploy on a real MLNode asks the cache before it touches the node', async () => {
    const node = await fake({ 'POST /api/v1/models/status': sequence(status('DOWNLOADED')) })
    const target = new MlnodeTarget({ mgmtUrl: node.url, inferenceUrl: node.url })
    onTestFinished(() => target.client.close())
    const args = parseVllmArgs(['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', '-tp', '8'])
    const request: DeployRequest = { model: MODEL, dtype: 'float16', variant: { name: 'tp8', ...planDeploy(MODEL, args) }, deployTimeoutS: 60, checkFeasibility: false }
    // This fake node answers no `down`, so the deploy stops at the switch: after the cache was asked.
    await target.ready(request).catch(() => undefined)
    const routes = node.requests.map((r) => `${r.method} ${r.url}`)
    expect(routes).toContain('POST /api/v1/inference/down')
    expect(routes.indexOf('POST /api/v1/models/status')).toBeGreaterThan(-1)
    expect(routes.indexOf('POST /api/v1/models/status')).toBeLessThan(routes.indexOf('POST /api/v1/inference/down'))
  })
})
