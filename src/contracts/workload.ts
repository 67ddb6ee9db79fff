/**
 * Inputs and outputs of the load engine. A workload is validated once at the edge
 * (`validateWorkload`); inside the loop every failure is data on a RequestRecord.
 */

import type { RequestRecord, Slo } from './records.js'

/** How the load client stamps reads. 'poll': one stamp per event-loop poll phase (src/load/read-stamp.ts); 'read': one per delivery. */
export type ReadStampMode = 'poll' | 'read'

/** A load worker thread's event-loop delay after the clock started, ms (the delay any stamp it took may carry). */
export interface WorkerLoopDelay {
  p99Ms: number
  maxMs: number
  /** Sum of delays beyond the 1 ms sampling interval. */
  stalledMs: number
}

/** Where requests go. */
export interface LoadTarget {
  /** OpenAI server root without `/v1`, e.g. `http://127.0.0.1:5000`. */
  baseUrl: string
  /** Model id sent in every request body. */
  model: string
  /** Extra request headers (e.g. `authorization`); never printed. */
  headers?: Record<string, string>
}

/**
 * Prompts generated to a target TOKEN count. Words are drawn from a list of common lowercase
 * English words that are one BPE token each with their leading space (Llama/Qwen/GPT vocabularies),
 * so `tokens` words ≈ `tokens` prompt tokens before the chat template (see prompts.ts).
 */
export interface TokenPromptSpec {
  tokens: number
  /** Distinct prompts, used round-robin. @default one unique prompt per request */
  count?: number
  /** Leading tokens identical across requests (prefix-cache workloads). @default 0 */
  sharedPrefixTokens?: number
}

/** Prompts read from a file: `.csv` (column 0 of every row) or `.jsonl` (`"prompt"` of each line). */
export interface FilePromptSpec {
  file: string
  /** How requests pick a prompt: round-robin or seeded random with replacement (compressa-perf). @default 'cycle' */
  pick?: 'cycle' | 'random'
  /** Truncate each prompt to this many characters (compressa-perf's `prompt_length` with a file). @default no limit */
  maxChars?: number
}

/** compressa-perf style: `count` prompts of `chars` characters of random words, picked at random with replacement. */
export interface CharPromptSpec {
  chars: number
  count: number
}

/**
 * Real prompts from a ShareGPT-format JSON file (`[{ id, conversations: [{ from, value }] }]`), as
 * vLLM `bench serve --dataset-name sharegpt` samples them: the first human turn is the prompt,
 * the recorded gpt answer's length the max_tokens (docs/datasets.md).
 */
export interface ShareGptPromptSpec {
  sharegpt: string
  /** max_tokens = the recorded answer's estimated tokens; false: the workload's maxTokens. @default true */
  answerLengthAsMaxTokens?: boolean
  /** vLLM's filter: prompts and answers shorter than this are skipped. @default 4 */
  minTokens?: number
  /** vLLM's filter: longer prompts are skipped. @default 1024 */
  maxPromptTokens?: number
  /** vLLM's filter: prompt + answer longer than this is skipped. @default 2048 */
  maxTotalTokens?: number
}

/**
 * Multi-turn chats from a JSONL file, one conversation a line in OpenAI's chat format
 * (`{"messages":[{"role":"system"|"user"|"assistant","content":"…"}]}`): every user turn is a
 * request carrying the history so far with the recorded assistant answers; the turns of one
 * conversation go one after another (docs/datasets.md).
 */
export interface ConversationPromptSpec {
  conversations: string
  /** max_tokens = the recorded answer's estimated tokens (the workload's maxTokens when none). @default true */
  answerLengthAsMaxTokens?: boolean
}

/**
 * A Mooncake-format trace (JSONL `{"timestamp": ms, "input_length", "output_length", "hash_ids"}`,
 * kvcache-ai/Mooncake FAST25-release): requests sent at their timestamps, prompts synthesised so
 * equal hash ids at equal positions are equal blocks of text, output lengths held exactly.
 */
export interface TracePromptSpec {
  mooncakeTrace: string
  /** Multiplies every timestamp offset (0.5 replays twice as fast). @default 1 */
  timeScale?: number
  /** Tokens per hash id (Mooncake's block). @default 512 */
  blockTokens?: number
}

export type PromptSpec = TokenPromptSpec | FilePromptSpec | CharPromptSpec | ShareGptPromptSpec | ConversationPromptSpec | TracePromptSpec

/** Open-loop arrivals (vLLM `bench serve --request-rate/--burstiness/--max-concurrency`). */
export interface ArrivalSpec {
  /** Mean requests per second; `Infinity` sends all at once. */
  ratePerS: number
  /** Gamma shape of inter-arrival times; 1 = Poisson, <1 burstier, >1 more regular. @default 1 */
  burstiness?: number
  /** Cap on in-flight requests; the wait for a slot is recorded (sentAtMs − scheduledAtMs). @default unlimited */
  maxConcurrency?: number
}

/**
 * A Proof-of-Compute run instead of a load (docs/poc.md): PoC v2 generation on every backend of the
 * deployed variant through MLNode's `pow/init/generate`, artifacts received on a loopback callback
 * server, stopped with `pow/stop` on every exit path.
 */
export interface PocSpec {
  /** Tokens per nonce (PoCParamsModel.seq_len). @default the chain's value for the model (src/poc/chain-params.ts) */
  seqLen?: number
  /** Nonces per forward pass (`batch_size` of init/generate). @default the backend's default (POC_BATCH_SIZE_DEFAULT, 32 in gonka-ai/vllm) */
  batchSize?: number
  /** Output vector size (PoCParamsModel.k_dim). @default 12 */
  kDim?: number
  /** How long generation runs once started (simulated seconds on a simulator on simulated time). */
  durationS: number
  /** Fail the variant when no artifact arrived for this many real seconds (a hung engine). @default 120 */
  stallTimeoutS?: number
}

/**
 * A load sweep (docs/metrics.md "Capacity at SLO"): the workload is run once per load step, each
 * step an ordinary workload with its own histograms, and the steps fold into a curve and the
 * capacity at SLO, the highest load whose requests meet the workload's (or suite's) `slo` in at
 * least `attainment` of cases.
 */
export interface SweepSpec {
  /** What grows from step to step: the open-loop arrival rate (req/s) or the closed-loop concurrency. */
  over: 'rate' | 'concurrency'
  /** First and last load (inclusive). */
  from: number
  to: number
  /** Load steps from `from` to `to`, evenly spaced (concurrency rounded to whole workers); with `search`, the most steps measured. */
  steps: number
  /**
   * Search instead of a grid: measure `from`, then `to`, then bisect the bracket between the highest
   * passing and the lowest failing load until it is one worker (or 3 % of the rate) wide. @default false
   */
  search?: boolean
  /** Share of a step's requests that must meet the SLO for the step to pass (DistServe's SLO attainment). @default 0.9 */
  attainment?: number
  /** Stop once this many steps in a row failed the attainment: the SLO is broken for good. @default 2 */
  stopAfterFailedSteps?: number
  /** Real seconds the whole sweep may take: no step starts when the ETA says it would end later. @default unbounded */
  budgetS?: number
}

/**
 * A suite's sweep workload as written: a load workload with `sweep`; with `over: 'rate'` the
 * arrival's rate is each step's, so `arrival` may carry only burstiness and the concurrency cap.
 */
export type SweepWorkloadSpec = Omit<WorkloadSpec, 'arrival' | 'sweep'> & { sweep: SweepSpec; arrival?: Omit<ArrivalSpec, 'ratePerS'> & { ratePerS?: number } }

/** A suite's PoC workload as written: a name and the PoC run, no load fields. */
export interface PocWorkloadSpec {
  name: string
  poc: PocSpec
  description?: string
  source?: string
}

/** One load pattern against one model. */
export interface WorkloadSpec {
  name: string
  /** @default 'chat' */
  endpoint?: 'chat' | 'completions'
  /** Measured requests (warm-ups not included). */
  requests: number
  /** Requests sent before the clock starts, flagged `warmup` and excluded from stats. @default 0 */
  warmupRequests?: number
  /** Closed loop: number of workers each sending its next request when the previous ends. @default 1 */
  concurrency?: number
  /** Open loop instead of closed loop when set. */
  arrival?: ArrivalSpec
  /** Stop issuing new requests this long after the start (in-flight ones finish). @default unbounded */
  durationS?: number
  prompt: PromptSpec
  maxTokens: number
  /** @default server default (compressa-perf sends 0.8) */
  temperature?: number
  /** vLLM `ignore_eos`: always generate maxTokens. @default unset */
  ignoreEos?: boolean
  /** Seed of prompt generation, arrivals and random picks. @default 0 */
  seed?: number
  slo?: Slo
  /** Bound on a whole request. @default 600 */
  requestTimeoutS?: number
  /** Bound on silence (no bytes) before headers and between body chunks. @default 120 */
  idleTimeoutS?: number
  /** Merged last into every request body (e.g. `{ top_p: 0.9 }`). */
  extraBody?: Record<string, unknown>
  /** Free text (compressa-perf `description`). */
  description?: string
  /** Where the spec came from (config file path), for error messages. */
  source?: string
  /**
   * Set on a PoC workload (a suite's PocWorkloadSpec, normalised by src/poc/workload.ts): the run
   * measures PoC generation instead of sending load, and the load fields above are unused.
   */
  poc?: PocSpec
  /** Run the workload as a sweep of load steps and report the curve and the capacity at SLO. */
  sweep?: SweepSpec
  /** compressa-perf fields with no effect on the load, kept for reports. */
  compressa?: {
    modelName: string
    nodeUrl?: string
    accountAddress?: string
    /** Name of the environment variable holding the API token (compressa-perf 0.2.5); the token itself is never kept. */
    apiTokenEnvVar?: string
    /** compressa-perf's HTTP client (`requests` by default there); recorded only. */
    transport?: string
  }
}

/** Everything one workload run produced. */
export interface WorkloadRun {
  spec: WorkloadSpec
  /** Warm-ups first (flagged), then measured requests, in index order. */
  records: RequestRecord[]
  /** Clock start: after connections are open and warm-ups done (performance.now() ms). */
  startedAtMs: number
  /** Last measured request settled. */
  endedAtMs: number
  /** Time to open (and warm) the pool's connections before the clock started. */
  connectMs?: number
  /** Connections the pool was opened with. */
  connections?: number
  /** Worker threads that sent the requests and took the stamps (0: the calling thread). */
  workers?: number
  /** With workers: the worst event-loop delay a worker saw after the clock started (its stamps may be late by as much). */
  workerLoopDelay?: WorkerLoopDelay
}

/** Options of `runWorkload`. */
export interface RunWorkloadOptions {
  /** Aborting records every unfinished request as `aborted`. */
  signal?: AbortSignal
  /** Called as each request is handed to the connection pool (progress counts those in flight). */
  onRequestSent?: (index: number, warmup: boolean) => void
  /** Called as each request settles (progress UIs subscribe here; the engine never imports them). */
  onRequestDone?: (record: RequestRecord) => void
  /** Monotonic clock in ms. @default performance.now */
  now?: () => number
  /** Open a GET /v1/models on every connection before the clock starts. @default true */
  warmConnections?: boolean
  /**
   * How body reads are stamped: 'poll' gives every read handled in one event-loop poll phase the
   * stamp of the phase's first read (when the loop woke to a batch of readable sockets,
   * read-stamp.ts); 'read' stamps each read when its callback runs.
   * @default 'poll'
   */
  readStamp?: ReadStampMode
  /** Text mixed into every generated prompt so repeated runs against one server miss the prefix cache. @default '' */
  promptSalt?: string
  /**
   * The target is a simulator on simulated time (its /health says `simulatedTime`): requests carry
   * their place in the schedule, the simulator admits them in simulated time, and every record's
   * times are the simulator's own stamps, in ms from the start of the measured phase: the result
   * does not depend on this machine's load (src/protocol/sim-sync.ts). @default false
   */
  simulatedTime?: boolean
  /**
   * Worker threads that carry the streams, each with its own event loop, heap and connections,
   * stamping reads where they arrive (load-worker.ts); 0 runs every stream on the calling thread.
   * @default 'auto': by cores and expected chunk rate (worker-count.ts); 0 with `now` or `simulatedTime`
   */
  workers?: number | 'auto'
}
