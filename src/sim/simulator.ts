/**
 * `startSimulator`: the embedded MLNode + vLLM simulator on two loopback ports. Every byte a
 * client sees crosses a real socket, and every response says it is simulated
 * (`x-mlnode-sim: 1`, `x-mlnode-sim-speed`, `x-mlnode-sim-hardware`; `simulator` in /health).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { MlnodeBenchError } from '../errors.js'
import { getHardwareProfile } from '../model/index.js'
import type { ClockLateness, SimClock } from './clock.js'
import { VirtualClock } from './virtual-clock.js'
import { WallClock } from './wall-clock.js'
import { Deployment } from './deployment.js'
import { RestartableServer, sendJson } from './http.js'
import { handleMlnode, type MlnodeContext } from './mlnode.js'
import { handleOpenAi, type InferenceContext } from './openai.js'
import { METRICS_CONTENT_TYPE, renderMetricsPage } from './metrics-page.js'
import { resolveSimulatorOptions, type SimulatorOptions } from './options.js'
import { watchPacing } from './pacing-watch.js'
import { defaultVariantResolver } from './resolve-variant.js'
import { SessionRegistry } from './sessions.js'

/** A running simulator. */
export interface SimulatorHandle {
  /** Management API base URL, e.g. `http://127.0.0.1:8080`. */
  mgmtUrl: string
  /** OpenAI API base URL (serves `/v1/...`), e.g. `http://127.0.0.1:5000`. */
  inferenceUrl: string
  /** Wall-clock speed-up now: simulated = measured × speed. Infinity for the virtual clock. */
  readonly speed: number
  /**
   * Wall clock only: runs `speed` times faster than real time from now on (headers and /health
   * follow). Change it between workloads, when no request is in flight: e.g. a low speed for
   * many-stream decode workloads (few real ms per step, few chunks per second) and a high one
   * for deploy waits and long prefills.
   * @throws MlnodeBenchError 'MLNB_CONFIG' for the virtual clock or a speed that is not > 0.
   */
  setSpeed(speed: number): void
  /** Hardware profile id. */
  hardware: string
  /** Step-cost and start-up multiplier in effect. */
  slowdown: number
  /** MLNode-style log lines so far. */
  logs(): string[]
  /**
   * Wall clock: how late paced events ran so far (real ms, cumulative; diff two snapshots with
   * `latenessBetween` for one workload); undefined for the virtual clock.
   */
  lateness(): ClockLateness | undefined
  /** Stops both servers, drops connections and timers. */
  close(): Promise<void>
}

/** Starts the simulator; resolves once both ports listen. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const o = resolveSimulatorOptions(options)
  const hardware = getHardwareProfile(o.hardware)
  const clock: SimClock = o.clock === 'virtual' ? new VirtualClock({ autoDrain: true }) : new WallClock({ speed: o.speed, spinMs: o.spinMs, shiftAfterMs: o.shiftAfterMs, shiftAfterFraction: o.shiftAfterFraction, catchUpRate: o.catchUpRate })
  const speedLabel = (): string => (clock instanceof WallClock ? String(clock.speed) : 'virtual')
  const logs: string[] = []
  const log = (line: string): void => {
    logs.push(line)
    o.log?.(line)
  }
  let closed = false
  // While MLNode's event loop is blocked (watcher's stop), calls wait here; the exit drops them.
  let freeze: { done: Promise<void>; release: () => void } | undefined

  const deployment: Deployment = new Deployment({
    clock,
    timings: o.timings,
    resolveVariant: o.resolveVariant ?? defaultVariantResolver,
    hardwareId: hardware.id,
    slowdown: o.slowdown,
    ...(o.noiseCv > 0 ? { noise: { cv: o.noiseCv, seed: o.noiseSeed } } : {}),
    ...(o.runNoise > 0 ? { runNoise: { level: o.runNoise, seed: o.runNoiseSeed } } : {}),
    log,
    maxInstances: o.maxInstances,
    onFreeze: () => {
      if (freeze !== undefined) return
      let release = (): void => undefined
      const done = new Promise<void>((resolve) => (release = resolve))
      freeze = { done, release }
    },
    // MLNode exits after the watcher's stop; the container restarts: ports refuse meanwhile.
    onContainerRestart: async (downS) => {
      // Let answers already settled reach their sockets first: on the virtual clock the exit may
      // follow within the same tick.
      await new Promise((resolve) => setImmediate(resolve))
      if (closed) return
      log('MLNode exited; container restarting')
      await Promise.all([mgmt.close(), inference.close()])
      // The held calls find their sockets gone.
      freeze?.release()
      freeze = undefined
      await new Promise<void>((resolve) => clock.at(clock.nowS() + downS, () => resolve()))
      if (closed) return
      deployment.reset()
      await Promise.all([mgmt.reopen(), inference.reopen()])
      log('MLNode started')
    },
  })

  let requestNumber = 0
  // On the virtual clock, clients may schedule their requests in simulated time (sim-sync protocol).
  const sessions = clock instanceof VirtualClock ? new SessionRegistry(clock, o.sessionWaitS, log) : undefined
  const inferenceCtx: InferenceContext = {
    deployment,
    clock,
    seed: o.seed,
    eosPerToken: o.eosPerToken,
    createdS: () => Math.floor(Date.now() / 1000),
    nextRequestNumber: () => ++requestNumber,
    ...(o.trace === undefined ? {} : { trace: o.trace }),
    ...(sessions === undefined ? {} : { sessions }),
  }
  const mlnodeCtx: MlnodeContext = {
    deployment,
    hardware,
    api: o.api,
    posingAsReal: o.posingAsReal,
    simulatorInfo: () => ({
      speed: clock instanceof WallClock ? clock.speed : null,
      clock: o.clock,
      hardware: hardware.id,
      slowdown: o.slowdown,
      noiseCv: o.noiseCv,
      runNoise: o.runNoise,
      seed: o.seed,
      api: o.api,
      // Simulated seconds now: a client diffs two readings for a simulated duration (deploy time).
      nowS: clock.nowS(),
      // Virtual clock: the load client can take its stamps from the simulator (sim-sync protocol).
      simulatedTime: sessions !== undefined,
      // Real ms by which paced events ran late and the timeline drifted (cumulative counters: a
      // client diffs the snapshots before and after its workload, see latenessBetween).
      ...(clock instanceof WallClock ? { lateness: clock.lateness() } : {}),
    }),
  }

  const stamp = (res: ServerResponse): void => {
    res.setHeader('x-mlnode-sim', '1')
    res.setHeader('x-mlnode-sim-speed', speedLabel())
    res.setHeader('x-mlnode-sim-hardware', hardware.id)
  }
  const pathOf = (req: IncomingMessage): string => new URL(req.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '') || '/'
  const notFound = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume()
    sendJson(res, 404, { detail: 'Not Found' })
  }

  /** Waits out a freeze; false when the call's socket went away meanwhile. */
  const thawed = async (res: ServerResponse): Promise<boolean> => {
    if (freeze === undefined) return true
    await freeze.done
    return !res.destroyed && res.socket?.destroyed !== true
  }
  const mgmt = new RestartableServer(async (req, res) => {
    if (!(await thawed(res))) return
    stamp(res)
    const path = pathOf(req)
    if (path.startsWith('/v1/') && (await handleOpenAi(inferenceCtx, req, res, path))) return
    if (await handleMlnode(mlnodeCtx, req, res, path)) return
    notFound(req, res)
  }, o.host)
  const inference = new RestartableServer(async (req, res) => {
    if (!(await thawed(res))) return
    stamp(res)
    const path = pathOf(req)
    if (path === '/health') {
      // vLLM's /health: 200 with an empty body when a backend is up.
      if (deployment.proxy.listed().length > 0) {
        res.writeHead(200, { 'content-length': 0 })
        res.end()
      } else sendJson(res, 503, { detail: 'No vLLM backend available' })
      return
    }
    if (path === '/metrics' && req.method === 'GET') {
      // vLLM's Prometheus page, one engine label per replica (src/sim/metrics-page.ts).
      const page = await renderMetricsPage(deployment.variant?.servedModel ?? '', deployment.replicas.map((r) => r.engine.snapshot()))
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(page) })
      res.end(page)
      return
    }
    if (await handleOpenAi(inferenceCtx, req, res, path)) return
    notFound(req, res)
  }, o.host)

  await mgmt.listen(o.mgmtPort)
  try {
    await inference.listen(o.inferencePort)
  } catch (error) {
    await mgmt.close()
    clock.dispose()
    throw error
  }
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host
  const pacingWatch = clock instanceof WallClock ? watchPacing(clock, log) : undefined

  return {
    mgmtUrl: `http://${hostForUrl}:${mgmt.port}`,
    inferenceUrl: `http://${hostForUrl}:${inference.port}`,
    get speed() {
      return clock.speed
    },
    setSpeed(speed: number) {
      if (!(clock instanceof WallClock)) throw new MlnodeBenchError('MLNB_CONFIG', `simulator speed cannot be set on the virtual clock (asked ${speed})`, { details: { speed } })
      if (!(speed > 0) || !Number.isFinite(speed)) throw new MlnodeBenchError('MLNB_CONFIG', `simulator speed must be a finite number > 0, got ${speed}`, { details: { speed } })
      clock.setSpeed(speed)
      log(`speed set to ${speed}`)
    },
    hardware: hardware.id,
    slowdown: o.slowdown,
    logs: () => [...logs],
    lateness: () => (clock instanceof WallClock ? clock.lateness() : undefined),
    async close() {
      if (closed) return
      closed = true
      freeze?.release()
      if (pacingWatch !== undefined) clearInterval(pacingWatch)
      deployment.stop()
      sessions?.close()
      clock.dispose()
      await Promise.all([mgmt.close(), inference.close()])
    },
  }
}
