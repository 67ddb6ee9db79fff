/**
 * MLNode generations mlnode-bench supports (docs/mlnode-v0.2.12.md): /health, up/async,
 * up/status and the gpu routes exist since v0.2.4; the deploy sequence is modelled on v0.2.12.
 */
import { MlnodeBenchError, hasCode } from '../errors.js'

/** Oldest MLNode with the routes the deploy sequence needs. */
export const MIN_MLNODE_VERSION = 'v0.2.4'
/** The MLNode version whose behaviour the deploy sequence is modelled on and tested against. */
export const MODELLED_MLNODE_VERSION = 'v0.2.12'

/** The error for a route that answered 404: the node predates MIN_MLNODE_VERSION. */
export function tooOld(endpoint: string, route: string, cause?: unknown): MlnodeBenchError {
  return new MlnodeBenchError(
    'MLNB_MLNODE_TOO_OLD',
    `MLNode at ${endpoint} is too old: ${route} answered HTTP 404. mlnode-bench needs MLNode ${MIN_MLNODE_VERSION} or newer (routes /health, up/async, up/status, gpu); it is modelled on ${MODELLED_MLNODE_VERSION}. Upgrade MLNode.`,
    { ...(cause === undefined ? {} : { cause }), details: { endpoint, route, minVersion: MIN_MLNODE_VERSION } },
  )
}

/**
 * MLNode is not answering: refused (container restarting) or timed out (its event loop is
 * blocked by the watcher's stop, ~35 s before it exits). Both mean "wait for it to come back".
 */
export function isGone(error: unknown): boolean {
  return hasCode(error, 'MLNB_MLNODE_REFUSED') || hasCode(error, 'MLNB_MLNODE_TIMEOUT')
}
