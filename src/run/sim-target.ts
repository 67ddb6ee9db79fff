/**
 * The embedded simulator target: a simulated MLNode of the suite's hardware profile, handed out
 * by the run's simulator fleet (sim-fleet.ts) and then driven exactly like a real MLNode.
 */
import { MlnodeBenchError } from '../errors.js'
import { mlnodeMetricsSources, type MetricsSources } from './metrics-sources.js'
import type { ModelConstants } from '../model/index.js'
import { mlnodeTargetFor, type MlnodeTarget } from './mlnode-target.js'
import type { DeployedVariant, DeployRequest, LoadEndpoint, Target, TargetDescription } from './target.js'
import type { SimulatorEndpoints } from './sim-fleet.js'
import type { RunEvents } from './events.js'

/** Asks the fleet for the simulator of one hardware profile (on the constants of a calibration the suite checked). */
async function startFleetSimulator(fleetUrl: string, hardware: string, constants: ModelConstants | undefined, events: RunEvents | undefined): Promise<MlnodeTarget> {
  const response = await fetch(`${fleetUrl}/simulators`, { method: 'POST', body: JSON.stringify({ hardware, ...(constants ? { constants } : {}) }) })
  const body = (await response.json()) as SimulatorEndpoints & { error?: string }
  if (!response.ok) throw new MlnodeBenchError('MLNB_SIM', `embedded simulator for hardware "${hardware}" did not start: ${body.error}`)
  return mlnodeTargetFor({ mgmtUrl: body.mgmtUrl, inferenceUrl: body.inferenceUrl }, events)
}

export class SimulatorTarget implements Target {
  private simulator?: Promise<MlnodeTarget>
  private started?: MlnodeTarget

  constructor(
    private readonly fleetUrl: string,
    readonly hardware: string,
    /** Where the simulator's deploys are told (events.ts). @default untold */
    private readonly events?: RunEvents,
  ) {}

  private mlnode(request?: DeployRequest): Promise<MlnodeTarget> {
    if (!this.simulator) {
      // Every request of a suite names the same calibration (the suite's).
      this.simulator = startFleetSimulator(this.fleetUrl, this.hardware, request?.calibration?.calibration.constants, this.events).then((t) => (this.started = t))
      // A fleet that failed once may answer later: do not cache the failure.
      this.simulator.catch(() => (this.simulator = undefined))
    }
    return this.simulator
  }

  async describe(request?: DeployRequest): Promise<TargetDescription> {
    return (await this.mlnode(request)).describe()
  }

  async prepare(request: DeployRequest): Promise<void> {
    const mlnode = await this.mlnode(request).catch(() => undefined)
    await mlnode?.prepare(request)
  }

  async ready(request: DeployRequest): Promise<DeployedVariant> {
    return (await this.mlnode(request)).ready(request)
  }

  async redeploy(request: DeployRequest): Promise<DeployedVariant> {
    return (await this.mlnode(request)).redeploy(request)
  }

  endpoint(): LoadEndpoint {
    if (!this.started) throw new MlnodeBenchError('MLNB_SIM', `embedded simulator for hardware "${this.hardware}" is not running`)
    return this.started.endpoint()
  }

  metricsSources(request: DeployRequest, deployed: DeployedVariant): MetricsSources {
    return mlnodeMetricsSources(deployed, this.endpoint().inferenceUrl)
  }

  async close(): Promise<void> {
    await this.started?.close()
  }
}
