/** The error `fn` throws, for a test to check its code, message and details; fails the test when `fn` returns. */
import type { MlnodeBenchError } from '../../src/errors.js'

export function thrown(fn: () => unknown): MlnodeBenchError {
  try {
    fn()
  } catch (error) {
    return error as MlnodeBenchError
  }
  throw new Error('expected a throw')
}
