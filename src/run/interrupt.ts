/**
 * Ctrl-C, or a cancelled CI job, during a run against a real MLNode. Vitest exits about 1 ms after
 * SIGINT/SIGTERM: too soon for any request, so the variant would stay deployed on the GPUs. The
 * handler hands the `down` (after a PoC `pow/stop`) to a detached child process that outlives Vitest, bounded like any
 * `down` (MLNode v0.2.12 can take 30 + 35 s). What was measured is already on disk: results.json
 * and the reports are rewritten after every bench, and a run that did not end says so.
 */
import { execa } from 'execa'
import { DOWN_MIN_TIMEOUT_MS } from '../mlnode/client.js'
import { parseEndpoint, requestPath } from '../mlnode/endpoint.js'

/** Bound on the PoC stop sent before the down on an interrupt, ms. */
const POC_STOP_TIMEOUT_MS = 10_000

// Plain Node, no dependencies: the URL and the auth header come through the environment (never argv).
// PoC first (a PoC workload may be generating: docs/poc.md), bounded on its own, then the down.
const DOWN_SCRIPT = `const c = new AbortController(); setTimeout(() => c.abort(), Number(process.env.MLNB_DOWN_TIMEOUT_MS)).unref();
const headers = process.env.MLNB_DOWN_AUTH ? { authorization: process.env.MLNB_DOWN_AUTH } : {};
fetch(process.env.MLNB_POC_STOP_URL, { method: 'POST', headers, signal: AbortSignal.any([c.signal, AbortSignal.timeout(${POC_STOP_TIMEOUT_MS})]) }).then((r) => r.arrayBuffer()).catch(() => {})
  .then(() => fetch(process.env.MLNB_DOWN_URL, { method: 'POST', headers, signal: c.signal })).catch(() => {})`

/** Installs the handlers (`print`: where the caller shows what happens); returns their removal (the run ended normally: the suites took their variant down). */
export function downOnInterrupt(mgmtUrl: string, print: (line: string) => void): () => void {
  const endpoint = parseEndpoint(mgmtUrl, 'MLNODE_URL')
  const onSignal = (signal: NodeJS.Signals): void => {
    print(`\nmlnode-bench: ${signal}: taking the deployment on ${endpoint.display} down in the background (bounded ${DOWN_MIN_TIMEOUT_MS / 1000} s); results measured so far are in .mlnode-bench/`)
    try {
      const child = execa(process.execPath, ['-e', DOWN_SCRIPT], {
        detached: true,
        stdio: 'ignore',
        cleanup: false,
        reject: false,
        env: {
          MLNB_DOWN_URL: `${endpoint.origin}${requestPath(endpoint, '/api/v1/inference/down')}`,
          MLNB_POC_STOP_URL: `${endpoint.origin}${requestPath(endpoint, '/api/v1/inference/pow/stop')}`,
          ...(endpoint.authorization ? { MLNB_DOWN_AUTH: endpoint.authorization } : {}),
          MLNB_DOWN_TIMEOUT_MS: String(DOWN_MIN_TIMEOUT_MS),
        },
      })
      child.unref()
      child.catch(() => undefined)
    } catch (error) {
      print(`mlnode-bench: could not start the down (${(error as Error).message}): take the deployment down by hand (POST /api/v1/inference/down)`)
    }
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
