/**
 * Embedded simulators for a bench run, one per hardware profile, started on demand in the main
 * vitest process (globalSetup) so that the load client in the worker and the simulated server
 * never share an event loop. Suites ask for a profile over loopback:
 * POST /simulators {hardware, constants?} (the constants of the suite's calibration, which the
 * suite read and checked against this profile at collection).
 * They run on simulated time (virtual clock + the sim-sync protocol): their numbers are a
 * function of the suites, the seed and the noise level, never of this machine's load.
 */
import { createWriteStream, mkdirSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { dirname } from 'node:path'
import type { AddressInfo } from 'node:net'
import { calibrationSchema, type ModelConstants } from '../model/index.js'
import { createVariantResolver, startSimulator } from '../sim/index.js'

/** One embedded simulator as the fleet hands it out. */
export interface SimulatorEndpoints {
  hardware: string
  mgmtUrl: string
  inferenceUrl: string
  slowdown: number
}

export interface SimFleetOptions {
  /** Step-time noise of every simulator (coefficient of variation, MLNODE_SIM_NOISE_CV). @default 0 */
  noiseCv?: number
  /** Run-level noise of every simulator (src/sim/run-noise.ts, MLNODE_SIM_RUN_NOISE). @default 0 */
  runNoise?: number
  /** Seed of every simulator (EOS draws, words, noise; MLNODE_SIM_SEED). @default 0 */
  seed?: number
  /** Extra slowness factor (MLNODE_SIM_SLOWDOWN), for testing regression gates. @default 1 */
  slowdown?: number
  /**
   * File receiving the simulated MLNode's log lines ("instances to start", vLLM's start-up
   * errors…), for a suite's `logCommand` (e.g. `['tail', '-n', '50', file]`). @default none
   */
  logFile?: string
}

export interface SimFleet {
  url: string
  close(): Promise<void>
}

type Running = Awaited<ReturnType<typeof startSimulator>>

export async function startSimFleet(options: SimFleetOptions = {}): Promise<SimFleet> {
  const slowdown = options.slowdown ?? 1
  const simulators = new Map<string, Promise<Running>>()
  const logStream = options.logFile ? (mkdirSync(dirname(options.logFile), { recursive: true }), createWriteStream(options.logFile, { flags: 'a' })) : undefined

  /** One simulator per profile and set of constants (a suite's calibration, checked by the suite; none: the model's defaults). */
  async function endpointsFor(hardware: string, constants: ModelConstants | undefined): Promise<SimulatorEndpoints> {
    const key = `${hardware}\n${JSON.stringify(constants ?? {})}`
    let running = simulators.get(key)
    if (!running) {
      // Set before any await: a second request for this simulator shares the same start.
      running = startSimulator({ hardware, ...(constants === undefined ? {} : { resolveVariant: createVariantResolver(constants) }), clock: 'virtual', slowdown, noiseCv: options.noiseCv ?? 0, runNoise: options.runNoise ?? 0, seed: options.seed ?? 0, ...(logStream ? { log: (line: string) => logStream.write(`${new Date().toISOString()} [${hardware}] ${line}\n`) } : {}) })
      simulators.set(key, running)
      running.catch(() => simulators.delete(key))
    }
    const sim = await running
    return { hardware, mgmtUrl: sim.mgmtUrl, inferenceUrl: sim.inferenceUrl, slowdown }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (req.method !== 'POST' || req.url !== '/simulators') return reply(404, { error: 'POST /simulators only' })
    let text = ''
    for await (const chunk of req) text += chunk
    try {
      const { hardware, constants } = JSON.parse(text) as { hardware?: unknown; constants?: unknown }
      const checked = constants === undefined ? undefined : calibrationSchema.shape.constants.safeParse(constants)
      if (typeof hardware !== 'string' || checked?.success === false) {
        return reply(400, { error: 'body must be {"hardware": "<profile id>", "constants"?: <a calibration\'s constants>}' })
      }
      reply(200, await endpointsFor(hardware, checked?.data))
    } catch (error) {
      reply(400, { error: (error as Error).message, code: (error as { code?: string }).code })
    }
  }

  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      const all = await Promise.allSettled(simulators.values())
      await Promise.all(all.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)))
      if (logStream) await new Promise<void>((resolve) => logStream.end(resolve))
    },
  }
}
