import { MlnodeBenchError } from '../errors.js'
import type { ParsedArgs } from './parse.js'

/** Parallel sizes of one vLLM deployment. */
export interface Parallelism {
  /** `--tensor-parallel-size` / `-tp`. @default 1 */
  tp: number
  /** `--pipeline-parallel-size` / `-pp`. @default 1 */
  pp: number
  /** `--data-parallel-size` / `-dp` (vLLM v0.8.3+). @default 1 */
  dp: number
}

function sizeOf(args: ParsedArgs, key: string): number {
  const value = args.values.get(key)
  if (value === undefined) return 1
  // argparse `type=int`: plain decimal digits; vLLM then requires >= 1.
  if (typeof value !== 'string' || !/^\s*\+?\d+\s*$/.test(value) || Number(value) < 1) {
    throw new MlnodeBenchError('MLNB_ARGS_PARSE', `--${key} must be a positive integer, got '${String(value)}'`, {
      details: { arg: key, value },
    })
  }
  return Number(value)
}

/**
 * TP, PP and DP sizes of parsed args; 1 when not given.
 * @throws MlnodeBenchError `MLNB_ARGS_PARSE` when a size is not a positive integer.
 */
export function parallelismOf(args: ParsedArgs): Parallelism {
  return {
    tp: sizeOf(args, 'tensor-parallel-size'),
    pp: sizeOf(args, 'pipeline-parallel-size'),
    dp: sizeOf(args, 'data-parallel-size'),
  }
}
