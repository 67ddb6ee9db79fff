/**
 * The import graph of the package's sources and the two rules test/layering.test.ts keeps:
 * a file imports only from its own layer or the ones below, and no files import each other in a
 * circle. Imports are read with the TypeScript compiler's own pre-processor (static, type-only,
 * re-exports and dynamic `import()` alike), so a type import counts as much as a value import.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

export interface Layer {
  name: string
  /** Folders (or single files) relative to the repository root, with `/` separators. */
  members: readonly string[]
}

/** Repository-relative file → the repository-relative .ts files it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) tsFiles(path, out)
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

const posix = (path: string): string => path.split(sep).join('/')

/** Reads every .ts file under `folders` of `root`; relative imports only (packages are outside). */
export function readImportGraph(root: string, folders: readonly string[]): ImportGraph {
  const graph = new Map<string, string[]>()
  for (const file of folders.flatMap((f) => tsFiles(join(root, f)))) {
    const imported = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles
    const targets = new Set<string>()
    for (const { fileName } of imported) {
      if (!fileName.startsWith('.')) continue
      const target = resolve(dirname(file), fileName).replace(/\.js$/, '.ts')
      // Non-TypeScript assets (a worker's .mjs, a .yml) carry no imports of their own.
      if (target.endsWith('.ts') && existsSync(target)) targets.add(posix(relative(root, target)))
    }
    graph.set(posix(relative(root, file)), [...targets].sort())
  }
  return graph
}

/** The same graph between folders: `src/run`, `reporters`, or a top-level file such as `src/errors.ts`. */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const folderOf = (file: string): string => {
    const parts = file.split('/')
    return parts.length <= 2 ? file : parts.slice(0, 2).join('/')
  }
  const folders = new Map<string, Set<string>>()
  for (const [file, targets] of graph) {
    const from = folderOf(file)
    const set = folders.get(from) ?? new Set<string>()
    for (const target of targets) if (folderOf(target) !== from) set.add(folderOf(target))
    folders.set(from, set)
  }
  return new Map([...folders].map(([folder, set]) => [folder, [...set].sort()]))
}

/** The index of the layer a file belongs to: its longest matching member; undefined if none. */
export function layerOf(file: string, layers: readonly Layer[]): number | undefined {
  let best: { index: number; length: number } | undefined
  layers.forEach((layer, index) => {
    for (const member of layer.members) {
      if ((file === member || file.startsWith(`${member}/`)) && member.length > (best?.length ?? -1)) best = { index, length: member.length }
    }
  })
  return best?.index
}

/** One line per file in no layer and per import of a file from a layer above its own. */
export function layerViolations(graph: ImportGraph, layers: readonly Layer[]): string[] {
  const problems: string[] = []
  for (const [file, targets] of graph) {
    const own = layerOf(file, layers)
    if (own === undefined) {
      problems.push(`${file} is in no layer: add its folder to LAYERS`)
      continue
    }
    for (const target of targets) {
      const theirs = layerOf(target, layers)
      if (theirs !== undefined && theirs > own) problems.push(`${file} (${layers[own]!.name}) imports ${target} (${layers[theirs]!.name}, above)`)
    }
  }
  return problems.sort()
}

/**
 * Every circle of imports, one per strongly connected group of files (Tarjan), each named by one
 * closed path through it: `a.ts -> b.ts -> a.ts`.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  let next = 0
  const visit = (file: string): void => {
    index.set(file, next)
    low.set(file, next++)
    stack.push(file)
    onStack.add(file)
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target)
        low.set(file, Math.min(low.get(file)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!))
    }
    if (low.get(file) !== index.get(file)) return
    const group: string[] = []
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member)
      group.push(member)
      if (member === file) break
    }
    if (group.length > 1 || (graph.get(file) ?? []).includes(file)) groups.push(group)
  }
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file)
  return groups.map((group) => closedPath(graph, new Set(group)))
}

/** A shortest path from the group's first file (sorted) back to itself, inside the group. */
function closedPath(graph: ImportGraph, group: ReadonlySet<string>): string[] {
  const start = [...group].sort()[0]!
  const cameFrom = new Map<string, string>()
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!
    for (const target of graph.get(file) ?? []) {
      if (!group.has(target)) continue
      if (target === start) {
        const path = [start]
        for (let at: string | undefined = file; at !== start && at !== undefined; at = cameFrom.get(at)) path.splice(1, 0, at)
        return [...path, start]
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file)
        queue.push(target)
      }
    }
  }
  return [...group]
}
