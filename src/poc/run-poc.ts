/**
 * One PoC workload against one deployed variant (docs/poc.md "What is measured"): start a
 * loopback callback server, `init/generate` through MLNode (fan-out to every backend), count the
 * artifact batches until `durationS` of generation has passed, then `stop`, on EVERY exit path
 * (success, stall, protocol error, abort), and check the backends are idle again before the next
 * variant. Rates are over the run's own clock: the simulator's stamps on simulated time, this
 * machine's otherwise.
 */
import { randomBytes } from 'node:crypto'
import { hasCode, MlnodeBenchError, redact } from '../errors.js'
import type { PocSpec } from '../contracts/workload.js'
import type { PocResult } from '../contracts/results.js'
import { startCallbackServer, type CallbackBatch } from './callback-server.js'
import { chainPocParams } from './chain-params.js'
import type { PocClient, PocInitGenerateAnswer } from './client.js'
import { DEFAULT_K_DIM, DEFAULT_STALL_TIMEOUT_S } from './workload.js'

export interface RunPocInput {
  client: PocClient
  model: string
  spec: PocSpec
  /** GPUs of the node (for the per-GPU rate). */
  gpus: number
  /** The target is a simulator on simulated time: its stamps on the callbacks are the clock. */
  simulatedTime: boolean
  /** Abort (Ctrl-C, the workload timeout): PoC is stopped and MLNB_ABORTED thrown. */
  signal?: AbortSignal
  /** Bound on waiting for the backends to report IDLE after `stop`, real ms. @default 30_000 */
  idleWaitMs?: number
  /** Subject of messages ("model variant workload"). */
  subject?: string
}

export interface PocRun {
  result: PocResult
  /** MLNode's answer to init/generate (backends reached, groups). */
  initAnswer: PocInitGenerateAnswer
  /** Measured, but PoC could not be stopped afterwards (MLNB_POC_STOP): the variant fails, the figures stay. */
  stopError?: MlnodeBenchError
}

/** The group of the nonce space a nonce belongs to (NonceIterator, gonka-ai/vllm vllm/poc/routes.py). */
export function groupOfNonce(nonce: number, nodeId: number, nodeCount: number, nGroups: number): number {
  return Math.floor((nonce - nodeId) / nodeCount) % nGroups
}

/** The rate of what arrived: artifacts of the counted batches over the time from start to the last one. */
export function pocFigures(input: { batches: readonly CallbackBatch[]; startS: number; timeOf: (b: CallbackBatch) => number; nGroups: number; gpus: number; seqLen: number; batchSize?: number; kDim: number }): PocResult {
  const { batches, startS, timeOf, nGroups, gpus } = input
  const nonces = batches.reduce((n, b) => n + b.artifacts, 0)
  // The latest batch counted (backends' callbacks may arrive out of order).
  const durationS = batches.length === 0 ? 0 : Math.max(0, Math.max(...batches.map(timeOf)) - startS)
  const perMin = (n: number): number => (durationS > 0 ? (n / durationS) * 60 : 0)
  const firstWithArtifacts = batches.find((b) => b.artifacts > 0)
  const byGroup = new Array<number>(nGroups).fill(0)
  for (const b of batches) for (const nonce of b.nonces) byGroup[groupOfNonce(nonce, 0, 1, nGroups)]! += 1
  const noncesPerMin = perMin(nonces)
  return {
    noncesPerMin,
    noncesPerMinPerGpu: gpus > 0 ? noncesPerMin / gpus : 0,
    gpus,
    nonces,
    durationS,
    firstArtifactS: firstWithArtifacts === undefined ? 0 : Math.max(0, timeOf(firstWithArtifacts) - startS),
    callbacks: batches.length,
    seqLen: input.seqLen,
    ...(input.batchSize === undefined ? {} : { batchSize: input.batchSize }),
    kDim: input.kDim,
    backends: byGroup.map((n, group) => ({ group, nonces: n, noncesPerMin: perMin(n) })),
  }
}

/** Stops PoC and waits until no backend generates; throws MLNB_POC_STOP when it cannot. */
export async function stopPoc(client: PocClient, idleWaitMs = 30_000): Promise<void> {
  try {
    await client.stop({ timeoutMs: Math.max(client.timeoutMs, 30_000) })
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_POC_STOP', `POST pow/stop at ${client.display} failed: ${redact((cause as Error).message)}; PoC may still run on the node`, { cause })
  }
  const deadline = performance.now() + idleWaitMs
  for (;;) {
    const status = await client.status().catch(() => undefined)
    const generating = status?.backends.filter((b) => b.status === 'GENERATING') ?? []
    if (status !== undefined && generating.length === 0) return
    if (performance.now() >= deadline) {
      const which = status === undefined ? 'pow/status did not answer' : `still GENERATING on port(s) ${generating.map((b) => b.port).join(', ')}`
      throw new MlnodeBenchError('MLNB_POC_STOP', `PoC did not stop at ${client.display} within ${idleWaitMs / 1000} s after pow/stop: ${which}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** Runs the PoC workload; the node is stopped again whatever happens. */
export async function runPoc(input: RunPocInput): Promise<PocRun> {
  const { client, spec, model } = input
  const subject = input.subject ?? model
  const seqLen = spec.seqLen ?? chainPocParams(model).seqLen
  const kDim = spec.kDim ?? DEFAULT_K_DIM
  const stallMs = (spec.stallTimeoutS ?? DEFAULT_STALL_TIMEOUT_S) * 1000
  const callbacks = await startCallbackServer()
  const startedAtMs = performance.now()
  let measured: Omit<PocRun, 'stopError'>
  try {
    // A generation left running (an earlier interrupted run) would answer init with 409 on its backend.
    const before = await client.status(input.signal ? { signal: input.signal } : {})
    if (before.backends.some((b) => b.status === 'GENERATING')) await stopPoc(client, input.idleWaitMs)
    measured = await generate(input, callbacks, { seqLen, kDim, stallMs, startedAtMs, subject })
  } catch (error) {
    // Stopped on every failure path; the first error is the one reported, a failed stop is said beside it.
    await stopPoc(client, input.idleWaitMs).catch((stopError: unknown) => {
      if (error instanceof Error) error.message += `\n  and: ${(stopError as Error).message}`
    })
    await callbacks.close()
    throw error
  }
  const stopError = await stopPoc(client, input.idleWaitMs).then(
    () => undefined,
    (e: unknown) => (e instanceof MlnodeBenchError ? e : new MlnodeBenchError('MLNB_POC_STOP', String(e))),
  )
  await callbacks.close()
  return { ...measured, ...(stopError ? { stopError } : {}) }
}

async function generate(
  input: RunPocInput,
  callbacks: Awaited<ReturnType<typeof startCallbackServer>>,
  o: { seqLen: number; kDim: number; stallMs: number; startedAtMs: number; subject: string },
): Promise<Omit<PocRun, 'stopError'>> {
  const { client, spec, model } = input
  const initAnswer = await client
    .initGenerate(
      {
        block_hash: randomBytes(32).toString('hex'),
        block_height: 1,
        public_key: 'mlnode-bench',
        node_id: 0,
        node_count: 1,
        ...(spec.batchSize === undefined ? {} : { batch_size: spec.batchSize }),
        params: { model, seq_len: o.seqLen, k_dim: o.kDim },
        url: callbacks.url,
      },
      input.signal ? { signal: input.signal } : {},
    )
    .catch((cause: unknown) => {
      if (hasCode(cause, 'MLNB_ABORTED')) throw cause
      throw new MlnodeBenchError('MLNB_POC', `${o.subject}: pow/init/generate failed: ${(cause as Error).message}`, { cause })
    })
  if ((initAnswer.errors?.length ?? 0) > 0) {
    throw new MlnodeBenchError('MLNB_POC', `${o.subject}: init/generate reached ${initAnswer.backends} of ${initAnswer.n_groups} backends; failed: ${redact(JSON.stringify(initAnswer.errors)).slice(0, 300)}`, { details: { errors: initAnswer.errors } })
  }
  const counted = await collect(input, callbacks, initAnswer.n_groups, o.stallMs, o.startedAtMs, o.subject)
  if (callbacks.rejected.length > 0) throw new MlnodeBenchError('MLNB_POC', `${o.subject}: ${callbacks.rejected.length} callback(s) were not artifact batches: ${callbacks.rejected[0]}`)
  const timeOf = (b: CallbackBatch): number => (input.simulatedTime && b.simSentS !== undefined ? b.simSentS : b.receivedAtMs / 1000)
  const simStarts = counted.flatMap((b) => (b.simStartedS === undefined ? [] : [b.simStartedS]))
  const startS = input.simulatedTime && simStarts.length > 0 ? Math.min(...simStarts) : o.startedAtMs / 1000
  const result = pocFigures({ batches: counted, startS, timeOf, nGroups: initAnswer.n_groups, gpus: input.gpus, seqLen: o.seqLen, ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }), kDim: o.kDim })
  return { result, initAnswer }
}

/** After the first backend's batch crosses durationS, how long (real ms) the others get to deliver theirs. */
const LAST_CALL_MS = 15_000

/**
 * Waits until every backend (group) delivered a batch at or past `durationS` of generation (the
 * run's clock), each backend's batches counted up to that one; fails on a stall (no artifact
 * for `stallMs` real ms) or an abort. A backend that falls silent gets LAST_CALL_MS after the
 * first one crossed.
 */
function collect(input: RunPocInput, callbacks: Awaited<ReturnType<typeof startCallbackServer>>, nGroups: number, stallMs: number, startedAtMs: number, subject: string): Promise<CallbackBatch[]> {
  const { spec, signal } = input
  return new Promise<CallbackBatch[]>((resolve, reject) => {
    let lastArtifactMs = startedAtMs
    let firstCrossMs: number | undefined
    const counted: CallbackBatch[] = []
    const crossed = new Set<number>()
    const done = (error?: unknown): void => {
      clearInterval(watch)
      off()
      signal?.removeEventListener('abort', onAbort)
      if (error === undefined) resolve(counted)
      else reject(error)
    }
    const elapsedS = (b: CallbackBatch): number =>
      input.simulatedTime && b.simSentS !== undefined ? b.simSentS - (b.simStartedS ?? 0) : (b.receivedAtMs - startedAtMs) / 1000
    const off = callbacks.onBatch((b) => {
      if (b.artifacts > 0) lastArtifactMs = b.receivedAtMs
      // One backend's sender sends only its own group's nonces.
      const group = b.nonces.length > 0 ? groupOfNonce(b.nonces[0]!, 0, 1, nGroups) : undefined
      if (group !== undefined && crossed.has(group)) return
      counted.push(b)
      if (group !== undefined && elapsedS(b) >= spec.durationS) {
        crossed.add(group)
        firstCrossMs ??= b.receivedAtMs
        if (crossed.size >= nGroups) done()
      }
    })
    const watch = setInterval(() => {
      const now = performance.now()
      if (firstCrossMs !== undefined && now - firstCrossMs >= LAST_CALL_MS) return done()
      const silentMs = now - lastArtifactMs
      if (silentMs < stallMs) return
      const got = callbacks.batches.reduce((n, b) => n + b.artifacts, 0)
      done(new MlnodeBenchError('MLNB_POC_STALLED', `${subject}: PoC generation stalled: no artifact for ${(silentMs / 1000).toFixed(1)} s (stallTimeoutS ${stallMs / 1000}); ${got} nonces in ${callbacks.batches.length} callback(s) before. A PoC batch × seq_len beyond --max-num-batched-tokens can hang the engine (docs/poc.md)`, { details: { nonces: got, callbacks: callbacks.batches.length, stallTimeoutS: stallMs / 1000 } }))
    }, Math.min(1000, Math.max(50, stallMs / 4)))
    const onAbort = (): void => done(new MlnodeBenchError('MLNB_ABORTED', `${subject}: PoC run aborted (${String((signal?.reason as Error | undefined)?.message ?? signal?.reason ?? 'aborted')}); PoC stopped`))
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
}
