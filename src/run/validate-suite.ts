/**
 * Checks the shape of what a user passed to `deploymentSuite` before anything reads it: unknown
 * keys (with the closest known one), wrong types and out-of-range numbers, every problem of the
 * suite in one MLNB_CONFIG error naming the file, field and value.
 */
import type * as z from 'zod'
import { describeIssue, fieldPath, shown } from '../contracts/schema/issues.js'
import { MlnodeBenchError } from '../errors.js'
import { didYouMean } from '../text/closest.js'
import { SUITE_FIELDS, WORKLOAD_FIELDS, suiteSchema, workloadSchema } from './suite-schema.js'

/** Known keys of the object an unknown key sits in, by the name of that object's field. */
function knownKeysAt(root: 'suite' | 'workload', path: ReadonlyArray<PropertyKey>): string[] {
  const named = [...path].reverse().find((p) => typeof p === 'string')
  const fields: Record<string, z.ZodType> = root === 'suite' ? SUITE_FIELDS : WORKLOAD_FIELDS
  if (named === undefined) return Object.keys(fields)
  // A nested object (slo, prompt, arrival): an optional strict object in the list.
  const field = fields[named as string]
  const inner = (field as unknown as { unwrap?: () => { shape?: object } } | undefined)?.unwrap?.().shape
  return inner ? Object.keys(inner) : []
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = input
  for (const part of path) node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined
  return node
}

function sentences(schema: z.ZodType, value: unknown, root: 'suite' | 'workload', prefix: readonly PropertyKey[]): string[] {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) return []
  return result.error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [describeIssue(issue, prefix)]
    const owner = valueAt(value, issue.path)
    const what = root === 'suite' && issue.path.length === 0 ? 'a suite option' : 'a known field here'
    return issue.keys.map((key) => {
      const field = fieldPath([...prefix, ...issue.path, key])
      const known = knownKeysAt(root, issue.path)
      return `${field} = ${shown(valueAt(owner, [key]))} is not ${what}${didYouMean(key, known)}`
    })
  })
}

/**
 * @param options what the suite file passed (any shape).
 * @param source the suite file as shown to the user.
 * @throws MlnodeBenchError MLNB_CONFIG listing every problem, one per line.
 */
export function validateSuiteOptions(options: unknown, source: string): void {
  const problems = sentences(suiteSchema, options, 'suite', [])
  if (options !== null && typeof options === 'object') {
    for (const field of ['workloads', 'simulatorWorkloads'] as const) {
      const list = (options as Record<string, unknown>)[field]
      if (!Array.isArray(list)) continue
      list.forEach((workload, i) => {
        if (workload === null || typeof workload !== 'object' || Array.isArray(workload)) problems.push(`${field}[${i}] must be a workload object, got ${shown(workload)}`)
        else problems.push(...sentences(workloadSchema, workload, 'workload', [field, i]))
      })
    }
  }
  if (problems.length === 0) return
  const head = problems.length === 1 ? `${source}: ` : `${source}: ${problems.length} problems in the deploymentSuite options:\n  - `
  throw new MlnodeBenchError('MLNB_CONFIG', `${head}${problems.join('\n  - ')}`, { details: { file: source, problems } })
}
