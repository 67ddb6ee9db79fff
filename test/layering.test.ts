/**
 * The layering is a test, not a hope: every file of src/ and reporters/ imports only from its own
 * layer or the ones below it, and no files (nor folders) import each other in a circle. README
 * "Development" shows the same table. A new folder must be placed here before its files pass.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { folderGraph, importCycles, layerOf, layerViolations, readImportGraph, type Layer } from './helpers/import-graph.js'

/** Bottom up. */
const LAYERS: readonly Layer[] = [
  { name: 'base', members: ['src/errors.ts', 'src/text', 'src/types'] },
  { name: 'contracts', members: ['src/contracts'] },
  { name: 'domain', members: ['src/args', 'src/metrics', 'src/protocol', 'src/model', 'src/sweep', 'src/report'] },
  { name: 'io', members: ['src/outputs', 'src/network', 'src/telemetry', 'src/mlnode', 'src/load', 'src/sim', 'src/poc'] },
  { name: 'engines', members: ['src/planner', 'src/validation', 'src/history'] },
  { name: 'run', members: ['src/run', 'src/html-report'] },
  { name: 'entry', members: ['src/vitest', 'src/cli', 'reporters', 'src/index.ts', 'src/advanced.ts', 'src/environment.ts'] },
]

const root = fileURLToPath(new URL('..', import.meta.url))
const graph = readImportGraph(root, ['src', 'reporters'])

describe('layering of src/ and reporters/', () => {
  it('reads the real tree', () => {
    expect(graph.size).toBeGreaterThan(200)
    expect(graph.get('src/planner/search.ts')).toContain('src/planner/predict-core.ts')
  })

  it('no file imports from a layer above its own', () => {
    expect(layerViolations(graph, LAYERS)).toEqual([])
  })

  it('no files import each other in a circle', () => {
    expect(importCycles(graph).map((path) => path.join(' -> '))).toEqual([])
  })

  it('no folders import each other in a circle, in a layer either', () => {
    expect(importCycles(folderGraph(graph)).map((path) => path.join(' -> '))).toEqual([])
  })

  it('README "Development" shows the same layers', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const from = readme.indexOf('```', readme.indexOf('Layers, bottom up'))
    const table = readme.slice(from + 3, readme.indexOf('```', from + 3)).split('\n')
    // `layer      member[, member]   what it holds`: the member column starts at 11.
    const shown = new Map<string, string>()
    let layer = ''
    for (const line of table) {
      layer = /^(\w+) /.exec(line)?.[1] ?? layer
      const column = line.slice(11).split(/\s{2,}/)[0] ?? ''
      for (const member of column.split(/,\s*/).filter(Boolean)) shown.set(member.replace(/\/$/, ''), layer)
    }
    const expected = new Map(LAYERS.flatMap((l) => l.members.map((m) => [m, l.name] as const)))
    expect(Object.fromEntries(shown)).toEqual(Object.fromEntries(expected))
  })
})

describe('the checks can fail', () => {
  const layers: Layer[] = [
    { name: 'low', members: ['src/a'] },
    { name: 'high', members: ['src/b', 'src/b/deep.ts'] },
  ]

  it('places a file by its longest matching member', () => {
    expect(layerOf('src/b/deep.ts', [{ name: 'x', members: ['src/b'] }, { name: 'y', members: ['src/b/deep.ts'] }])).toBe(1)
    expect(layerOf('src/bc/x.ts', layers)).toBeUndefined()
  })

  it('names an upward import and a file in no layer', () => {
    const upward = new Map([
      ['src/a/x.ts', ['src/b/y.ts']],
      ['src/b/y.ts', []],
      ['src/c/z.ts', []],
    ])
    expect(layerViolations(upward, layers)).toEqual([
      'src/a/x.ts (low) imports src/b/y.ts (high, above)',
      'src/c/z.ts is in no layer: add its folder to LAYERS',
    ])
  })

  it('names each circle by a closed path, self-imports included', () => {
    const circles = new Map([
      ['src/a/1.ts', ['src/a/2.ts']],
      ['src/a/2.ts', ['src/a/3.ts']],
      ['src/a/3.ts', ['src/a/1.ts', 'src/a/4.ts']],
      ['src/a/4.ts', ['src/a/4.ts']],
      ['src/a/5.ts', ['src/a/1.ts']],
    ])
    expect(importCycles(circles).map((path) => path.join(' -> ')).sort()).toEqual([
      'src/a/1.ts -> src/a/2.ts -> src/a/3.ts -> src/a/1.ts',
      'src/a/4.ts -> src/a/4.ts',
    ])
  })

  it('finds a circle between folders that no file circle shows', () => {
    const files = new Map([
      ['src/a/x.ts', ['src/b/y.ts']],
      ['src/b/z.ts', ['src/a/w.ts']],
      ['src/b/y.ts', []],
      ['src/a/w.ts', []],
    ])
    expect(importCycles(files)).toEqual([])
    expect(importCycles(folderGraph(files)).map((path) => path.join(' -> '))).toEqual(['src/a -> src/b -> src/a'])
  })
})
