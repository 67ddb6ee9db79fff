/** Shared helpers of the simulator tests: a teardown-registered simulator, JSON and SSE clients. */
import { onTestFinished } from 'vitest'
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/sim/index.js'
import { testPlanner } from './plan.js'

export { testPlanner }

export async function startTestSim(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = await startSimulator({ resolveVariant: testPlanner, ...options })
  onTestFinished(() => sim.close())
  return sim
}

/** A fetch Response whose `json()` is loosely typed (tests inspect arbitrary bodies). */
export interface JsonResponse extends Response {
  json(): Promise<any>
}

export async function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<JsonResponse> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init })
}

export async function up(sim: SimulatorHandle, model = 'test/model', args: string[] = [], path = 'up'): Promise<JsonResponse> {
  return postJson(`${sim.mgmtUrl}/api/v1/inference/${path}`, { model, dtype: 'float16', additional_args: args })
}

/** Parses a whole SSE body into its `data:` payloads (JSON parsed, "[DONE]" kept as a string). */
export function parseSse(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)))
}

export async function getJson(url: string): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url)
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers }
}

/** Polls `check` every few ms until it returns a value other than undefined (bounded). */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
