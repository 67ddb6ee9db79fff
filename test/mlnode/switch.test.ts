import { describe, expect, it } from 'vitest'
import { NodeSwitch, type SwitchOptions } from '../../src/mlnode/switch.js'
import { hang, json, powBody, rejection, sequence, setup, type Handler } from './fake-mlnode.js'

const gpu = { available: true, count: 8, devices: [] }
const healthy: [number, unknown] = [200, { status: 'healthy', gpu, managers: {} }]
const unhealthy: [number, unknown] = [503, { status: 'unhealthy', gpu, managers: {} }]
const notStarted: [number, unknown] = [200, { status: 'not_started', is_starting: false, is_running: false }]

/** A fake clock that sleeping advances (mocked time only; the HTTP is real). */
function clocked(extra: Partial<SwitchOptions> = {}): SwitchOptions & { lines: string[] } {
  let t = 0
  const lines: string[] = []
  return { now: () => t, sleep: async (ms) => void (t += ms), deadlineAt: 600_000, label: '[m v]', pollIntervalMs: 1_000, print: (l) => lines.push(l), lines, ...extra }
}

function routes(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /health': sequence(healthy),
    'GET /api/v1/inference/up/status': sequence(notStarted),
    'POST /api/v1/inference/down': sequence([200, { status: 'OK' }]),
    'GET /api/v1/inference/pow/status': sequence(powBody([])),
    ...overrides,
  }
}

describe('NodeSwitch: the node between two variants (MLNode v0.2.12)', () => {
  it('after down, waits until pow/status lists no backends (the old ports) before returning', async () => {
    const { fake, client } = await setup(routes({ 'GET /api/v1/inference/pow/status': sequence(powBody([], [5001, 5002]), powBody([], [5001, 5002]), powBody([])) }))
    const report = await new NodeSwitch(client, clocked()).prepare()
    expect(report).toMatchObject({ interrupted: false, staleBefore: [] })
    expect(fake.count('POST /api/v1/inference/down')).toBe(1)
    expect(fake.count('GET /api/v1/inference/pow/status')).toBe(3)
    const order = fake.requests.map((r) => `${r.method} ${r.url}`)
    expect(order.indexOf('POST /api/v1/inference/down')).toBeLessThan(order.indexOf('GET /api/v1/inference/pow/status'))
  })

  it('ERROR ports that stay listed are stale from before: reported, not waited for to the deadline', async () => {
    const opts = clocked({ settlePolls: 3 })
    const { client } = await setup(routes({ 'GET /api/v1/inference/pow/status': sequence(powBody([], [5003, 5002])) }))
    const report = await new NodeSwitch(client, opts).prepare()
    expect(report.staleBefore).toEqual([5002, 5003])
    expect(opts.lines.join('\n')).toContain('pow/status keeps listing ports 5002,5003 in ERROR after down')
  })

  it('a down that interrupts a start: rides out the 503, the frozen (timing-out) API and the restart', async () => {
    const freeze: Handler = hang
    const { fake, client } = await setup(
      routes({
        'GET /api/v1/inference/up/status': sequence([200, { status: 'in_progress', is_starting: true, is_running: false }]),
        'GET /health': sequence(healthy, healthy, unhealthy, unhealthy, freeze, freeze, healthy),
      }),
      { requestTimeoutMs: 100 },
    )
    const opts = clocked()
    const report = await new NodeSwitch(client, opts).prepare()
    expect(report.interrupted).toBe(true)
    expect(fake.count('GET /health')).toBe(7)
    expect(opts.lines.join('\n')).toMatch(/down interrupted a start in progress[\s\S]*unhealthy \(HTTP 503[\s\S]*does not answer/)
  })

  it('an interrupted start that does not fail: the grace period ends and the switch goes on', async () => {
    const { fake, client } = await setup(routes({ 'GET /api/v1/inference/up/status': sequence([200, { status: 'in_progress', is_starting: true, is_running: false }]) }))
    const report = await new NodeSwitch(client, clocked({ graceMs: 5_000 })).prepare()
    expect(report.interrupted).toBe(true)
    // One health before down, then one per second of grace.
    expect(fake.count('GET /health')).toBe(7)
  })

  it('a node that refuses connections when the run starts is waited for, bounded by the deadline', async () => {
    const { fake, client } = await setup(routes())
    await fake.close()
    const error = await rejection(new NodeSwitch(client, clocked({ deadlineAt: 5_000 })).healthy())
    expect(error.code).toBe('MLNB_DEPLOY_TIMEOUT')
    expect(error.message).toContain('[m v] MLNode was not healthy (MLNode refuses connections (container restarting)) within the deploy deadline')
  })

  it('a node without /health (older than v0.2.4) fails at once naming the minimum version', async () => {
    const r = routes()
    delete r['GET /health']
    const { client } = await setup(r)
    const error = await rejection(new NodeSwitch(client, clocked()).healthy())
    expect(error.code).toBe('MLNB_MLNODE_TOO_OLD')
    expect(error.message).toMatch(/GET \/health answered HTTP 404\. mlnode-bench needs MLNode v0\.2\.4 or newer/)
  })

  it('a 200 /health keeps no stale answer shape surprises: json helper sanity', async () => {
    const { client } = await setup({ 'GET /health': (_q, res) => json(res, 200, { status: 'healthy', gpu, managers: {} }) })
    expect((await new NodeSwitch(client, clocked()).healthy()).httpStatus).toBe(200)
  })
})
