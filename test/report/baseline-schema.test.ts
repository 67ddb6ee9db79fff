/** Baseline and results files checked against their published schemas, entry by entry. */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkBaseline, updateBaseline, type BaselineFile } from '../../src/report/baseline.js'
import { parseRunResults } from '../../src/report/run-results.js'
import type { Provenance } from '../../src/contracts/results.js'
import { publishedSchemas, SCHEMAS_DIR } from '../../src/contracts/schema/publish.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z' }
const FILE = 'benchmarks/baseline.json'

/** A valid baseline of three entries, as JSON data to break. */
function baselineData(): BaselineFile {
  return updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1 }), passedResult('m', 'tp8', 'chat', { seed: 2 }), passedResult('m', 'tp2', 'chat', { seed: 3 })], provenance).baseline
}

describe('published JSON Schemas', () => {
  it('the committed schemas/*.schema.json are what the code validates with (npm run schemas rewrites them)', async () => {
    for (const [name, text] of Object.entries(publishedSchemas())) expect(await readFile(join(SCHEMAS_DIR, name), 'utf8'), name).toBe(text)
  })

  it('the committed benchmarks/baseline.json is wholly valid', async () => {
    const { invalid, baseline } = checkBaseline(await readFile(new URL('../../benchmarks/baseline.json', import.meta.url), 'utf8'), FILE)
    expect(invalid).toEqual([])
    expect(Object.keys(baseline.results).length).toBeGreaterThan(0)
  })
})

describe('checkBaseline', () => {
  it.each([
    ['target.hardware: 42', (e: Record<string, any>) => (e.target.hardware = 42), 'target.hardware must be string, got 42'],
    ['args as a string', (e: Record<string, any>) => (e.args = '--tp 4'), 'args must be an array, got "--tp 4"'],
    ['speed: "10"', (e: Record<string, any>) => (e.target.speed = '10'), 'target.speed must be a finite number, got "10"'],
    ['an unknown metric', (e: Record<string, any>) => (e.metrics.ttftMS = { value: 1 }), 'metrics has unknown field "ttftMS"'],
    ['a latency without its histogram', (e: Record<string, any>) => delete e.metrics.ttftMs.distribution, 'metrics.ttftMs.distribution is missing'],
    ['an undecodable histogram', (e: Record<string, any>) => (e.metrics.tpotMs.distribution.histogram = 'bm90IGEgaGlzdG9ncmFt'), 'metrics.tpotMs.distribution.histogram is not a compressed base64 HDR histogram'],
  ])('sets aside an entry with %s, naming file, entry and value; the others stay', (_, breakIt, problem) => {
    const data = baselineData()
    breakIt(data.results.m!.tp8!.chat as unknown as Record<string, any>)
    const { baseline, invalid } = checkBaseline(JSON.stringify(data), FILE)
    expect(invalid).toHaveLength(1)
    expect(invalid[0]).toMatchObject({ model: 'm', variant: 'tp8', workload: 'chat', at: 'results.m.tp8.chat' })
    expect(invalid[0]!.message).toBe(`${FILE}: results.m.tp8.chat: ${invalid[0]!.problems.join('; ')}`)
    expect(invalid[0]!.problems.join('; ')).toContain(problem)
    expect(Object.keys(baseline.results.m!).sort()).toEqual(['tp2', 'tp4'])
  })

  it('quotes keys that are not identifiers in the entry path', () => {
    const data = baselineData()
    data.results['Qwen/Qwen2.5-7B-Instruct'] = { 'tp4-x1': { 'chat 1k→200': { ...data.results.m!.tp4!.chat!, target: { kind: 'mlnode', hardware: 42 as unknown as string } } } }
    const { invalid } = checkBaseline(JSON.stringify(data), FILE)
    expect(invalid.map((e) => e.message)).toEqual([`${FILE}: results["Qwen/Qwen2.5-7B-Instruct"]["tp4-x1"]["chat 1k→200"]: target.hardware must be string, got 42`])
  })

  it('refuses a file that is unusable as a whole, naming the file and the field', () => {
    const data = { ...baselineData(), kind: 'something-else' }
    expect(() => checkBaseline(JSON.stringify(data), FILE)).toThrow(`Baseline ${FILE} is corrupt: kind must be "mlnode-bench-baseline", got "something-else"`)
    expect(() => checkBaseline('{"schemaVersion":1,', FILE)).toThrow(/is corrupt: not valid JSON/)
  })

  it('an update replaces an invalid entry it measured and keeps the others verbatim', () => {
    const data = baselineData()
    ;(data.results.m!.tp8!.chat as unknown as Record<string, any>).target.hardware = 42
    ;(data.results.m!.tp2!.chat as unknown as Record<string, any>).args = 'x'
    const { baseline, invalid } = checkBaseline(JSON.stringify(data), FILE)
    const update = updateBaseline(baseline, [passedResult('m', 'tp8', 'chat', { seed: 9 })], provenance, invalid)
    expect(update.replaced).toEqual([{ model: 'm', variant: 'tp8', workload: 'chat' }])
    expect(update.keptInvalid.map((e) => e.variant)).toEqual(['tp2'])
    expect(update.baseline.results.m!.tp2!.chat).toEqual(data.results.m!.tp2!.chat)
    expect(checkBaseline(JSON.stringify(update.baseline), FILE).invalid.map((e) => e.variant)).toEqual(['tp2'])
  })
})

describe('parseRunResults', () => {
  it('names the file, the entry (index and key) and the field with its value', () => {
    const r = passedResult('Qwen/Qwen2.5-7B-Instruct', 'tp4-x1', 'chat 1k→200')
    const run = { schemaVersion: 1, provenance, results: [passedResult('m', 'v', 'w'), { ...r, target: { ...r.target, hardware: 42 } }] }
    expect(() => parseRunResults(JSON.stringify(run), '.mlnode-bench/results.json')).toThrow(
      '.mlnode-bench/results.json is not a valid mlnode-bench results file (1 problem):\n  - results[1] ("Qwen/Qwen2.5-7B-Instruct › tp4-x1 › chat 1k→200"): target.hardware must be string, got 42',
    )
  })

  it('checks histograms too', () => {
    const r = passedResult('m', 'v', 'w')
    r.metrics!.e2elMs.histogram = 'bm90IGEgaGlzdG9ncmFt'
    expect(() => parseRunResults(JSON.stringify({ schemaVersion: 1, provenance, results: [r] }), 'r.json')).toThrow('results[0] ("m › v › w"): metrics.e2elMs.histogram is not a compressed base64 HDR histogram')
  })

  it('reads a results file the ResultsJson reporter writes (round trip)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlnb-schema-'))
    try {
      const run = { schemaVersion: 1 as const, provenance, results: [passedResult('m', 'v', 'w')], baseline: { file: FILE, state: 'missing' as const, required: false, invalid: [] } }
      await writeFile(join(dir, 'results.json'), JSON.stringify(run))
      expect(parseRunResults(await readFile(join(dir, 'results.json'), 'utf8'), 'results.json')).toEqual(run)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
