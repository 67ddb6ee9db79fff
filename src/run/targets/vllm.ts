/**
 * vLLM launched by mlnode-bench itself, without MLNode (`MLNODE_BENCH_TARGET=vllm`): each variant
 * starts as `vllm serve <model> --dtype D --port P --host 127.0.0.1 <variant args>`, one process
 * per instance on its own GPUs, laid out as MLNode's runner.py does (docs/mlnode.md "Instances":
 * instance i gets GPUs [i·TP·PP, (i+1)·TP·PP) through CUDA_VISIBLE_DEVICES), so a result here
 * means the same layout on an MLNode. The variants pass the same guard as for MLNode (planned by
 * plan-suite.ts). Ready: every instance answers GET /health 200 then GET /v1/models 200 (vLLM's
 * own routes). Several instances are load-balanced (least connections) by a loopback proxy, as
 * MLNode's proxy does. Every process runs in its own process group, killed with its children
 * (vLLM's engine cores) on the next variant, at the end of the file, when the worker exits, and
 * on Ctrl-C by the main process (the pid files in the run's log folder).
 */
import { execa, type ResultPromise } from 'execa'
import { accessSync, constants, createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { delimiter, join, resolve } from 'node:path'
import { placeDeployPlan } from '../../args/index.js'
import type { TargetInfo } from '../../contracts/results.js'
import { MlnodeBenchError, hasCode, redact } from '../../errors.js'
import { matchDeviceHardware, type HardwareProfile } from '../../model/index.js'
import { pickLeastConnections } from '../../sim/balancer.js'
import { assertFeasible } from '../feasibility.js'
import type { MetricsSources } from '../metrics-sources.js'
import { DeployFailure } from '../mlnode-target.js'
import { layoutModelOf } from '../prepare-variants.js'
import type { DeployedVariant, DeployRequest, LoadEndpoint, Target, TargetDescription } from '../target.js'
import type { RunEvents } from '../events.js'
import type { TargetKind } from './kind.js'

export interface VllmChoice {
  kind: 'vllm'
  /** The vLLM executable (MLNODE_BENCH_VLLM). */
  command: string
  /** CUDA device ids to use (MLNODE_BENCH_VLLM_GPUS); absent: every GPU nvidia-smi lists. */
  gpuIds?: string[]
  /** Where each instance's log and pid file go (MLNODE_BENCH_VLLM_LOGS), relative to the project. */
  logDir: string
  banner: string
}

export interface VllmGpu {
  id: string
  /** As nvidia-smi names it; '' when unknown. */
  name: string
}

export interface VllmConfig {
  kind: 'vllm'
  command: string
  gpus: VllmGpu[]
  /** Absolute: the instances' logs, and `pids/` of the process groups running now. */
  logDir: string
}

/** vLLM's own start-up can take minutes (weights, CUDA graphs); the deploy's deadline bounds it. */
const POLL_MS = 250
/** A process group that ignores SIGTERM this long gets SIGKILL. */
const STOP_GRACE_MS = 15_000

const pidDirOf = (logDir: string) => join(logDir, 'pids')

/**
 * Signals every process group with a pid file (synchronous: safe in a signal or exit handler).
 * `onlyIfOurs`: the file of a run that died may name a pid reused since; it is signalled only when
 * /proc shows the same `--port N` in its command line (no /proc: left alone).
 */
function killListed(logDir: string, signal: NodeJS.Signals, onlyIfOurs = false): void {
  const dir = pidDirOf(logDir)
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const pid = Number(name)
    const file = join(dir, name)
    try {
      if (Number.isInteger(pid) && pid > 0 && (!onlyIfOurs || stillOurs(pid, readFileSync(file, 'utf8')))) process.kill(-pid, signal)
    } catch {
      // Already gone.
    }
    rmSync(file, { force: true })
  }
}

/** Whether the pid still runs the instance its pid file describes (`port N` in the file). */
function stillOurs(pid: number, described: string): boolean {
  const port = /\bport (\d+)/.exec(described)?.[1]
  try {
    return port !== undefined && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`\0--port\0${port}\0`)
  } catch {
    return false
  }
}

/** Whether the command names an executable file, as a path or on the PATH. */
function runnable(command: string): boolean {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK)
      return statSync(file).isFile()
    } catch {
      return false
    }
  }
  if (command.includes('/')) return executable(command)
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)))
}

/** The GPUs nvidia-smi lists (index and name), or why there are none. */
async function listGpus(): Promise<VllmGpu[] | string> {
  try {
    const { stdout } = await execa('nvidia-smi', ['--query-gpu=index,name', '--format=csv,noheader'], { timeout: 15_000 })
    const gpus = stdout.split(/\r?\n/).filter((l) => l.trim()).map((l) => {
      const [id = '', ...name] = l.split(',')
      return { id: id.trim(), name: name.join(',').trim() }
    })
    return gpus.length > 0 ? gpus : 'nvidia-smi lists no GPU'
  } catch (error) {
    return `nvidia-smi failed: ${(error as Error).message.split('\n')[0]}`
  }
}

export const vllmTargetKind: TargetKind<VllmChoice, VllmConfig> = {
  name: 'vllm',
  kind: 'vllm',
  summary: 'vLLM started by mlnode-bench on this machine (`vllm serve` per variant instance, no MLNode)',
  simulated: false,
  resultKind: 'vllm',
  matchesGpus: true,
  environment: [
    { name: 'MLNODE_BENCH_VLLM', default: '`vllm` (on the PATH)', readers: ['src/run/targets/vllm.ts'], effect: 'the vLLM executable run as `<it> serve <model> …`' },
    { name: 'MLNODE_BENCH_VLLM_GPUS', default: 'every GPU `nvidia-smi` lists', readers: ['src/run/targets/vllm.ts'], effect: 'CUDA device ids the instances are laid out on, e.g. `0,1,2,3`' },
    { name: 'PATH', default: "the shell's", readers: ['src/run/targets/vllm.ts'], effect: 'where `MLNODE_BENCH_VLLM` is looked up when it has no `/`' },
    { name: 'MLNODE_BENCH_VLLM_LOGS', default: '`.mlnode-bench/vllm`', readers: ['src/run/targets/vllm.ts'], effect: "folder of each instance's log (`<variant>-<i>.log`) and of the pid files of the running process groups" },
  ],
  select(env) {
    const command = env.MLNODE_BENCH_VLLM?.trim() || 'vllm'
    const ids = env.MLNODE_BENCH_VLLM_GPUS?.trim()
    const gpuIds = ids ? ids.split(',').map((s) => s.trim()) : undefined
    if (gpuIds?.some((id) => !/^\d+$/.test(id))) {
      throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_VLLM_GPUS=${JSON.stringify(ids)} must be CUDA device ids separated by commas, e.g. 0,1,2,3`, { details: { env: 'MLNODE_BENCH_VLLM_GPUS', value: ids } })
    }
    const logDir = env.MLNODE_BENCH_VLLM_LOGS?.trim() || '.mlnode-bench/vllm'
    return { kind: 'vllm', command, ...(gpuIds ? { gpuIds } : {}), logDir, banner: `mlnode-bench: target vLLM started here (${command} serve per instance, GPUs ${gpuIds ? gpuIds.join(',') : 'from nvidia-smi'}; logs in ${logDir})` }
  },
  async setUp(choice, run) {
    if (!runnable(choice.command)) throw new MlnodeBenchError('MLNB_CONFIG', `MLNODE_BENCH_TARGET=vllm: the vLLM executable ${JSON.stringify(choice.command)} is not ${choice.command.includes('/') ? 'an executable file' : 'on the PATH'}: install vLLM or name it in MLNODE_BENCH_VLLM`, { details: { env: 'MLNODE_BENCH_VLLM', value: choice.command } })
    const listed = await listGpus()
    const named = typeof listed === 'string' ? [] : listed
    const gpus = choice.gpuIds ? choice.gpuIds.map((id) => ({ id, name: named.find((g) => g.id === id)?.name ?? '' })) : named
    if (gpus.length === 0) throw new MlnodeBenchError('MLNB_CONFIG', `MLNODE_BENCH_TARGET=vllm found no GPU (${listed as string}): set MLNODE_BENCH_VLLM_GPUS to the CUDA device ids to use, e.g. 0,1`, { details: { env: 'MLNODE_BENCH_VLLM_GPUS' } })
    const logDir = resolve(run.root, choice.logDir)
    // Processes of a run that died without cleaning up: they would hold the GPUs.
    killListed(logDir, 'SIGKILL', true)
    mkdirSync(pidDirOf(logDir), { recursive: true })
    // Vitest exits about 1 ms after Ctrl-C, before any worker's afterAll: the groups are signalled from here.
    const onSignal = (signal: NodeJS.Signals) => {
      run.notify(`\nmlnode-bench: ${signal}: stopping the vLLM processes this run started`)
      killListed(logDir, 'SIGTERM')
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    return {
      config: { kind: 'vllm', command: choice.command, gpus, logDir },
      teardown: () => {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        killListed(logDir, 'SIGKILL')
      },
    }
  },
  create: (config, suite) => new VllmTarget(config, suite.events),
  // Every file save would restart vLLM on the GPUs for every variant (as for MLNode: watch.ts).
  watchRefusal: (config, source) =>
    new MlnodeBenchError('MLNB_WATCH', `${source}: vitest is in watch mode and the target starts vLLM on ${config.gpus.length} GPU(s) here: every file save would restart every variant, so nothing was started. Run \`vitest bench --run\`, or set MLNODE_BENCH_ALLOW_WATCH=1 (or the suite option allowWatch: true) to start vLLM in watch mode.`, { details: { file: source, field: 'watch', value: true } }),
}

interface Instance {
  port: number
  process: ResultPromise
  pidFile: string | undefined
  exited: boolean
  log: string
}

interface Running {
  key: string
  instances: Instance[]
  balancer?: Server
  inferenceUrl: string
}

const keyOf = (r: DeployRequest) => `${r.model} ${r.variant.name}`

/** Instances of one target that still run when the worker exits are killed there. */
const live = new Set<Instance>()
process.on('exit', () => {
  for (const i of live) killGroup(i, 'SIGKILL')
})

function killGroup(instance: Instance, signal: NodeJS.Signals): void {
  try {
    if (instance.process.pid !== undefined) process.kill(-instance.process.pid, signal)
  } catch {
    // Already gone.
  }
}

export class VllmTarget implements Target {
  private running?: Running
  private queue: Promise<unknown> = Promise.resolve()
  private readonly outcomes = new Map<string, Promise<DeployedVariant>>()
  private readonly started = new Set<string>()

  constructor(
    private readonly config: VllmConfig,
    /** Where deploys are told (events.ts). @default untold */
    private readonly events?: RunEvents,
  ) {}

  private hardware(): string {
    const names = [...new Set(this.config.gpus.map((g) => g.name).filter(Boolean))]
    return `${this.config.gpus.length}x ${names.join(' + ') || 'unknown GPU'}`
  }

  async describe(): Promise<TargetDescription> {
    return { info: { kind: 'vllm', hardware: this.hardware() }, gpuCount: this.config.gpus.length }
  }

  /** One variant at a time: the previous one is stopped before the next starts. */
  prepare(request: DeployRequest): Promise<void> {
    const k = keyOf(request)
    if (!this.outcomes.has(k)) {
      const ready = this.queue.then(() => this.deploy(request))
      ready.catch(() => undefined)
      this.queue = ready.catch(() => undefined)
      this.outcomes.set(k, ready)
    }
    return this.outcomes.get(k)!.then(
      () => undefined,
      () => undefined,
    )
  }

  ready(request: DeployRequest): Promise<DeployedVariant> {
    void this.prepare(request)
    return this.outcomes.get(keyOf(request))!
  }

  endpoint(request: DeployRequest): LoadEndpoint {
    if (this.running?.key !== keyOf(request)) throw new MlnodeBenchError('MLNB_DEPLOY_FAILED', `${keyOf(request)} is not running`)
    return { inferenceUrl: this.running.inferenceUrl }
  }

  /** vLLM serves its Prometheus page at the root of each instance's API server. */
  metricsSources(request: DeployRequest): MetricsSources {
    this.endpoint(request)
    return { urls: this.running!.instances.map((i) => `http://127.0.0.1:${i.port}/metrics`), unavailable: [] }
  }

  async close(): Promise<void> {
    await this.queue
    await this.stop()
  }

  private box(request: DeployRequest): HardwareProfile | undefined {
    try {
      return matchDeviceHardware(this.config.gpus.map((g) => g.name), this.config.gpus.length, request.hardwareFile)
    } catch (error) {
      if (hasCode(error, 'MLNB_UNKNOWN_GPU')) return undefined
      throw error
    }
  }

  private async deploy(request: DeployRequest): Promise<DeployedVariant> {
    const { model, variant } = request
    const label = `[${model} ${variant.name}]`
    const started = performance.now()
    const deadlineAt = started + request.deployTimeoutS * 1000
    await this.stop()
    const layoutModel = layoutModelOf(model)
    const placed = placeDeployPlan(variant, this.config.gpus.length, layoutModel ? { model: layoutModel } : {})
    if (placed.problems.length > 0) throw new MlnodeBenchError('MLNB_LAYOUT', `${label} cannot start on ${this.hardware()}: ${placed.problems.join('; ')}`)
    const layout = placed.layout
    const box = this.box(request)
    const warning = request.checkFeasibility !== false ? assertFeasible(box, request, label) : undefined
    if (warning !== undefined) this.events?.emit('warning', { label, text: warning })
    const running: Running = { key: keyOf(request), instances: [], inferenceUrl: '' }
    this.running = running
    try {
      this.events?.emit('note', { text: `${label} starting ${layout.instances} vLLM instance(s) of TP${variant.tp}xPP${variant.pp} on ${this.hardware()}; args ${variant.mlnodeArgs.join(' ')}` })
      for (let i = 0; i < layout.instances; i++) {
        const gpus = this.config.gpus.slice(i * layout.gpusPerInstance, (i + 1) * layout.gpusPerInstance).map((g) => g.id)
        running.instances.push(await this.launch(request, i, gpus))
      }
      const info = (await Promise.all(running.instances.map((instance) => this.waitReady(instance, deadlineAt, label))))[0]
      // The simulator's simulated-time protocol spans one server: a balancer over several would stall every session.
      if (info?.simulatedTime && running.instances.length > 1) throw new MlnodeBenchError('MLNB_CONFIG', `${label} ${running.instances.length} simulators on simulated time answer as vLLM: they cannot be measured together; give this variant TP×PP GPUs (MLNODE_BENCH_VLLM_GPUS) or run them on a wall clock`)
      running.balancer = running.instances.length > 1 ? await balance(running.instances.map((i) => i.port)) : undefined
      running.inferenceUrl = running.balancer ? `http://127.0.0.1:${(running.balancer.address() as AddressInfo).port}` : `http://127.0.0.1:${running.instances[0]!.port}`
      const readyAfterS = (performance.now() - started) / 1000
      const startKey = `${model}\u0000${variant.mlnodeArgs.join('\u0000')}`
      const deployStart = this.started.has(startKey) ? 'warm' : 'cold'
      this.started.add(startKey)
      this.events?.emit('deploy-ready', { label, readyAfterS, simulatedTime: false, start: deployStart })
      // A simulator answering as vLLM (the tests' fake executable) says so: its numbers are simulated, and no model's prediction applies.
      return { layout, target: info ?? (await this.describe()).info, readyAfterS, deployStart, ...(box && !info ? { box } : {}), ...(warning ? { notes: [warning] } : {}) }
    } catch (error) {
      const log = running.instances.flatMap((i) => tail(i.log))
      await this.stop()
      const timedOut = performance.now() >= deadlineAt
      const reason = redact(error instanceof Error ? error.message : String(error))
      const message = `Deploy of ${model} ${variant.name} (tp=${variant.tp} pp=${variant.pp}) with vLLM failed after ${((performance.now() - started) / 1000).toFixed(1)} s: ${reason}${warning ? ` (the performance model had warned: ${warning})` : ''}`
      this.events?.emit('deploy-failed', { label, message, log, refused: false, logName: 'vLLM' })
      throw new DeployFailure(message, log, error, timedOut ? 'MLNB_DEPLOY_TIMEOUT' : 'MLNB_DEPLOY_FAILED')
    }
  }

  private async launch(request: DeployRequest, index: number, gpus: string[]): Promise<Instance> {
    const port = await freePort()
    const safe = `${request.variant.name}`.replace(/[^\w.-]+/g, '_')
    const log = join(this.config.logDir, `${safe}-${index}.log`)
    mkdirSync(this.config.logDir, { recursive: true })
    const args = ['serve', request.model, '--dtype', request.dtype, '--port', String(port), '--host', '127.0.0.1', ...request.variant.mlnodeArgs]
    const out = createWriteStream(log)
    out.write(`$ CUDA_VISIBLE_DEVICES=${gpus.join(',')} ${this.config.command} ${args.join(' ')}\n`)
    // detached: its own process group, so its engine-core children stop with it.
    const child = execa(this.config.command, args, { detached: true, cleanup: false, reject: false, stdin: 'ignore', env: { CUDA_VISIBLE_DEVICES: gpus.join(',') } })
    child.stdout?.pipe(out, { end: false })
    child.stderr?.pipe(out, { end: false })
    const pidFile = child.pid === undefined ? undefined : join(pidDirOf(this.config.logDir), String(child.pid))
    if (pidFile) writeFileSync(pidFile, `${request.model} ${request.variant.name} #${index} port ${port}\n`)
    const instance: Instance = { port, process: child, pidFile, exited: false, log }
    live.add(instance)
    void child.then((result) => {
      instance.exited = true
      live.delete(instance)
      if (pidFile) rmSync(pidFile, { force: true })
      out.end(`\n(exited: ${result.exitCode ?? result.signal ?? result.message})\n`)
    })
    return instance
  }

  /** GET /health until 200, then /v1/models: what answers (a simulator says so in its headers). */
  private async waitReady(instance: Instance, deadlineAt: number, label: string): Promise<TargetInfo | undefined> {
    const url = `http://127.0.0.1:${instance.port}`
    for (const path of ['/health', '/v1/models']) {
      for (;;) {
        if (instance.exited) throw new Error(`vLLM on port ${instance.port} exited before it was ready (log: ${instance.log})`)
        if (performance.now() >= deadlineAt) throw new Error(`vLLM on port ${instance.port} not ready within the deploy timeout (log: ${instance.log})`)
        const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined)
        await response?.arrayBuffer().catch(() => undefined)
        if (response?.ok) {
          if (path === '/health') break
          if (response.headers.get('x-mlnode-sim') !== '1') return undefined
          const speed = response.headers.get('x-mlnode-sim-speed')
          if (speed !== 'virtual' && Number(speed) !== 1) throw new MlnodeBenchError('MLNB_CONFIG', `${label} the simulator answering as vLLM runs on a wall clock at x${speed} speed: run it on simulated time or at speed 1`)
          return { kind: 'simulated', hardware: response.headers.get('x-mlnode-sim-hardware') ?? 'unknown', ...(speed === 'virtual' ? { simulatedTime: true } : {}) }
        }
        await new Promise((r) => setTimeout(r, POLL_MS))
      }
    }
    return undefined
  }

  /** Stops the running variant: its balancer, then every instance's process group (SIGTERM, SIGKILL after a grace). */
  private async stop(): Promise<void> {
    const running = this.running
    this.running = undefined
    if (!running) return
    if (running.balancer) {
      const balancer = running.balancer
      const closed = new Promise((r) => balancer.close(r))
      balancer.closeAllConnections()
      await closed
    }
    await Promise.all(
      running.instances.map(async (instance) => {
        if (instance.exited) return
        killGroup(instance, 'SIGTERM')
        const killer = setTimeout(() => killGroup(instance, 'SIGKILL'), STOP_GRACE_MS)
        await instance.process
        clearTimeout(killer)
        // Children of the group that outlived its leader.
        killGroup(instance, 'SIGKILL')
      }),
    )
  }
}

function tail(file: string, lines = 20): string[] {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map(redact)
  } catch {
    return []
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

/** A loopback proxy sending each request to the instance with the fewest in flight (MLNode's proxy picks so too). */
async function balance(ports: number[]): Promise<Server> {
  const inFlight = ports.map(() => 0)
  const server = createServer((req, res) => {
    // MLNode's proxy rule, as the simulator applies it: least connections, ties to the lowest index.
    const i = pickLeastConnections(inFlight.map((n) => ({ healthy: true, inFlight: n })))
    inFlight[i]!++
    let done = false
    const settle = () => {
      if (!done) inFlight[i]!--
      done = true
    }
    res.on('close', settle)
    const upstream = httpRequest({ host: '127.0.0.1', port: ports[i], method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: `instance on port ${ports[i]}: ${error.message}` }))
    })
    req.pipe(upstream)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return server
}
