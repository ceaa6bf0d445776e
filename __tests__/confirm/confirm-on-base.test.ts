import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileBaselineStore } from '../../src/baselines/file-store.js'
import { applyConfirmation, armSource, confirmOnBaseCommit, confirmationTargets, relocateSource } from '../../src/confirm/confirm-on-base.js'
import type { PairedDecider } from '../../src/verdict/paired-decider.js'
import { resolveSettings } from '../../src/config/resolve-settings.js'
import { baselineRecord, runGate } from '../../src/gate.js'
import { MemoryLogger } from '../../src/log.js'
import { evaluate } from '../../src/verdict/evaluate.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

/** Fails when the mean log-ratio is beyond the threshold, passes when it is below half of it (wiring test only). */
const meanRatioDecider: PairedDecider = (logRatios, target) => {
  const mean = logRatios.reduce((a, b) => a + b, 0) / logRatios.length
  const worse = target.direction === 'lower' ? Math.exp(mean) - 1 : Math.exp(-mean) - 1
  const change = { ratio: Math.exp(mean), method: 'paired' as const, sampleSize: logRatios.length }
  if (worse >= target.worseFraction) return { outcome: 'fail', change, reason: `${(worse * 100).toFixed(0)}% worse on this runner.` }
  if (worse < target.worseFraction / 2) return { outcome: 'pass', change, reason: 'Within the threshold on this runner.' }
  return { outcome: 'continue', change, reason: 'Undecided.' }
}

/** A repository whose benchmark reports `work.txt` × 100 µs per call; base commit 1×, head `headWork`×. */
function repoWithBench(headWork: number): { repo: string; baseSha: string } {
  const repo = scratchDir()
  git(repo, 'init', '-q')
  writeFileSync(
    join(repo, 'bench.mjs'),
    `import { readFileSync, writeFileSync } from 'node:fs'
const work = Number(readFileSync(new URL('./work.txt', import.meta.url), 'utf8'))
const trials = [0.99, 1.01, 1].map((wobble) => ({ metrics: { mean: { value: work * 100 * wobble, unit: 'us', direction: 'lower' } } }))
writeFileSync('results.json', JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'parse', trials }] }))
`
  )
  writeFileSync(join(repo, 'work.txt'), '1')
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'base')
  const baseSha = git(repo, 'rev-parse', 'HEAD')
  writeFileSync(join(repo, 'work.txt'), String(headWork))
  git(repo, 'commit', '-qam', 'head', '--allow-empty')
  return { repo, baseSha }
}

async function settingsFor(repo: string, extra: Record<string, string> = {}) {
  return resolveSettings({
    rootDir: repo,
    configExplicit: false,
    command: 'node bench.mjs',
    resultsPath: 'results.json',
    thresholdsText: 'mean: +10%',
    defaultBaselineStore: 'file',
    baselineDir: join(repo, '.perf-gate'),
    failOnRegression: true,
    confirm: 'on-regression',
    ...extra
  })
}

describe('same-runner confirmation in the gate', () => {
  test('compare-to base-commit measures the base commit and head alternately and fails a real regression', async () => {
    const { repo, baseSha } = repoWithBench(1.3)
    const settings = await settingsFor(repo, { compareTo: 'base-commit' })
    const log = new MemoryLogger()
    const outcome = await runGate(
      settings,
      {
        log,
        store: new FileBaselineStore(settings.baseline.dir, '.perf-gate', 20),
        context: { event: 'pull_request', runner: 'local', pullRequest: { number: 3, baseSha, isFork: false } },
        now: () => new Date(),
        decide: meanRatioDecider
      },
      { save: 'auto' }
    )
    const metric = outcome.report.metrics.find((m) => m.metric === 'mean')!
    assert.equal(metric.status, 'fail')
    assert.equal(metric.decidedBy, 'paired')
    assert.equal(metric.baseline?.values.length, 10, 'the row shows the base arm of the A/B pairs (suites look first at 10)')
    assert.ok(Math.abs(metric.change!.ratio - 1.3) < 0.01)
    assert.ok(Math.abs(metric.current!.value / metric.baseline!.value - metric.change!.ratio) < 1e-9, 'the cells agree')
    assert.match(metric.reason, /^Same-runner A\/B, 10 pairs: 30% worse/)
    assert.equal(outcome.exitCode, 1)
    assert.ok(outcome.report.notes.some((note) => /A\/B against the base commit [0-9a-f]{7}: 10 pairs in 1 look/.test(note)))
    assert.ok(
      outcome.report.notes.some((note) =>
        /one command run per arm, in randomized ABBA blocks \(seed \d+; b base, h head\): ((bh·hb|hb·bh) ?){5}\.$/.test(note)
      ),
      `the note says in what order the 10 pairs ran: ${outcome.report.notes.join(' | ')}`
    )
    assert.equal(log.lines.filter((line) => line.startsWith('info: Running suite')).length, 1 + 20, 'the gate run, then one command run per arm of each pair')
    assert.doesNotMatch(git(repo, 'worktree', 'list'), /perf-gate-base/, 'the base checkout is removed')
  })

  test('a stored baseline from a faster runner looks like a regression; the A/B on this runner clears it', async () => {
    const { repo, baseSha } = repoWithBench(1)
    const settings = await settingsFor(repo)
    const store = new FileBaselineStore(settings.baseline.dir, '.perf-gate', 20)
    // Saved on a machine 40% faster: 60 µs where this runner measures 100 µs for the same code.
    const fast = resultsWith({ parse: { mean: { values: [59, 60, 61], unit: 'us' } } })
    await store.save(baselineRecord(settings.name, fast, { event: 'push', runner: 'other', sha: baseSha }, new Date()))
    const outcome = await runGate(
      settings,
      {
        log: new MemoryLogger(),
        store,
        context: { event: 'pull_request', runner: 'local', pullRequest: { number: 3, baseSha, isFork: false } },
        now: () => new Date()
        // the shipped paired rule decides
      },
      { save: 'auto' }
    )
    const metric = outcome.report.metrics.find((m) => m.metric === 'mean')!
    assert.equal(metric.status, 'pass')
    assert.match(metric.context?.status ?? '', /^(fail|inconclusive)$/, 'the stored comparison is kept as non-deciding context')
    assert.ok(metric.context!.change!.ratio > 1.4, 'the stored comparison saw the faster runner')
    assert.ok(metric.change!.ratio < 1.1, 'the row shows the A/B estimate, not the stored comparison')
    assert.doesNotMatch(metric.reason, /same-runner confirmation/i, 'no advice to run what just ran')
    assert.match(metric.reason, /^Same-runner A\/B, 10 pairs: .*within \+10%/, 'quiet unchanged code is decided at the first look')
    assert.equal(outcome.exitCode, 0)
  })

  test('a requested A/B whose base cannot be built is a run failure (exit 2) with the build output, never a fallback', async () => {
    const { repo, baseSha } = repoWithBench(1.3)
    const settings = await settingsFor(repo, { compareTo: 'base-commit', build: 'echo broken-dependency >&2; exit 4' })
    const run = runGate(
      settings,
      {
        log: new MemoryLogger(),
        store: new FileBaselineStore(settings.baseline.dir, '.perf-gate', 20),
        context: { event: 'pull_request', runner: 'local', pullRequest: { number: 3, baseSha, isFork: false } },
        now: () => new Date(),
        decide: meanRatioDecider
      },
      { save: 'auto' }
    )
    await assert.rejects(run, (error: Error & { exitCode?: number }) => {
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /compare-to base-commit: the same-runner A\/B against [0-9a-f]{7} could not run: building the base commit/)
      assert.match(error.message, /broken-dependency/, 'the build output tail is in the message')
      return true
    })
    assert.doesNotMatch(git(repo, 'worktree', 'list'), /perf-gate-base/, 'the base checkout is removed')
  })

  test('with confirm: on-regression, a base that cannot be built leaves the verdicts as they stood and the headline says so', async () => {
    const { repo, baseSha } = repoWithBench(1.3)
    const settings = await settingsFor(repo, { build: 'echo broken >&2; exit 4' })
    const store = new FileBaselineStore(settings.baseline.dir, '.perf-gate', 20)
    const slow = resultsWith({ parse: { mean: { values: [59, 60, 61], unit: 'us' } } })
    await store.save(baselineRecord(settings.name, slow, { event: 'push', runner: 'other', sha: baseSha }, new Date()))
    const outcome = await runGate(
      settings,
      {
        log: new MemoryLogger(),
        store: new FileBaselineStore(settings.baseline.dir, '.perf-gate', 20),
        context: { event: 'pull_request', runner: 'local', pullRequest: { number: 3, baseSha, isFork: false } },
        now: () => new Date(),
        decide: meanRatioDecider
      },
      { save: 'auto' }
    )
    const metric = outcome.report.metrics.find((m) => m.metric === 'mean')!
    assert.ok(!['pass', 'improved'].includes(metric.status), `a suspicion never becomes a pass when confirmation cannot run (${metric.status})`)
    assert.notEqual(metric.decidedBy, 'paired')
    assert.match(outcome.report.confirmationFailure ?? '', /building the base commit [0-9a-f]{7} failed/)
    assert.match(
      renderMarkdownReport(outcome.report),
      /Same\\?-runner confirmation failed, so the verdicts against the stored baseline stand: building the base commit/
    )
  })
})

describe('results read from a file', () => {
  test('on a pull request: one note that confirmation does not apply, never "confirmation failed"', async () => {
    const dir = scratchDir()
    const current = resultsWith({ parse: { mean: { values: [130, 131, 129], unit: 'us' } } })
    writeFileSync(join(dir, 'r.json'), JSON.stringify(current))
    const settings = await resolveSettings({
      rootDir: dir,
      configExplicit: false,
      resultsPath: 'r.json',
      thresholdsText: 'mean: +10%',
      defaultBaselineStore: 'file',
      failOnRegression: true
    })
    const store = new FileBaselineStore(settings.baseline.dir, '.perf-gate', 20)
    const baseSha = 'a'.repeat(40)
    const base = resultsWith({ parse: { mean: { values: [100, 101, 99], unit: 'us' } } })
    await store.save(baselineRecord(settings.name, base, { event: 'push', runner: 'other', sha: baseSha }, new Date()))
    const outcome = await runGate(
      settings,
      {
        log: new MemoryLogger(),
        store,
        context: { event: 'pull_request', runner: 'local', pullRequest: { number: 3, baseSha, isFork: false } },
        now: () => new Date()
      },
      { save: 'auto' }
    )
    assert.equal(outcome.report.confirmationFailure, undefined)
    const notes = outcome.report.notes.filter((note) => /confirmation/i.test(note))
    assert.equal(notes.length, 1, notes.join('\n'))
    assert.match(
      notes[0]!,
      /^Same-runner confirmation does not apply to results read from a file \(they cannot be re-measured on the base commit aaaaaaa\); the stored-baseline verdicts stand\./
    )
    assert.doesNotMatch(renderMarkdownReport(outcome.report), /confirmation failed/)
  })
})

describe('confirmation targets and relocation', () => {
  test('only suspected, gated metrics with a relative level are confirmed; budgets never', async () => {
    const settings = await resolveSettings({
      rootDir: '/repo',
      configExplicit: false,
      resultsPath: 'r.json',
      thresholdsText: 'p95: +10%\np99: < 300ms\nrps: { warn: -5%, fail: -15% }',
      defaultBaselineStore: 'file',
      failOnRegression: true
    })
    const baseline = resultsWith({
      s: { p95: { values: [100, 100, 100], unit: 'ms' }, p99: { values: [200, 200, 200], unit: 'ms' }, rps: { values: [1000, 1000, 1000], unit: 'req/s' } }
    })
    const current = resultsWith({
      s: { p95: { values: [150, 150, 150], unit: 'ms' }, p99: { values: [400, 400, 400], unit: 'ms' }, rps: { values: [1000, 1000, 1000], unit: 'req/s' } }
    })
    const verdict = evaluate({ current, baseline, history: [baseline], rules: settings.thresholds })
    const targets = confirmationTargets(verdict, current, settings)
    assert.deepEqual(
      targets.map((t) => `${t.metric}:${t.worseFraction}`),
      ['p95:0.1']
    )
    const everything = confirmationTargets(verdict, current, { ...settings, confirm: { ...settings.confirm, compareTo: 'base-commit' } })
    assert.deepEqual(everything.map((t) => `${t.metric}:${t.worseFraction}`).sort(), ['p95:0.1', 'rps:0.15'])
  })

  test('without a base commit a suspected regression stays as it was; a terminal is offered --base, a push is told the stored history decides', async () => {
    const dir = scratchDir()
    const settings = await settingsFor(dir)
    const baseline = resultsWith({ bench: { mean: { values: [100, 101, 99], unit: 'ms' } } })
    const current = resultsWith({ bench: { mean: { values: [130, 131, 129], unit: 'ms' } } })
    const verdict = evaluate({ current, baseline, history: [baseline], rules: settings.thresholds })
    const withoutBase = (event: string) =>
      confirmOnBaseCommit(settings, verdict, current, undefined, true, {
        log: new MemoryLogger(),
        now: Date.now,
        produce: () => Promise.reject(new Error('nothing is measured without a base')),
        decide: meanRatioDecider,
        event
      })
    const outcome = await withoutBase('local')
    assert.equal(outcome.verdict, verdict)
    assert.equal(
      outcome.note,
      'To measure the 1 inconclusive metric again, base and head in turns on this machine, pass --base <commit> (e.g. --base origin/main).'
    )
    assert.equal(
      (await withoutBase('push')).note,
      "Same-runner confirmation of the 1 inconclusive metric did not run: a push is measured again only on the default branch, against the commit before it (the event's `before`), and this one has none, so the stored history decides."
    )
    // Counted by status: a regression (as a local run on this machine's own baseline decides it) and an undecided one.
    const twoBaseline = resultsWith({ bench: { mean: { values: [100, 101, 99], unit: 'ms' } }, other: { mean: { values: [100, 101, 99], unit: 'ms' } } })
    const twoCurrent = resultsWith({ bench: { mean: { values: [130, 131, 129], unit: 'ms' } }, other: { mean: { values: [130, 131, 129], unit: 'ms' } } })
    const both = evaluate({ current: twoCurrent, baseline: twoBaseline, history: [twoBaseline], rules: settings.thresholds })
    const mixed = { ...both, metrics: both.metrics.map((metric) => (metric.scenario === 'bench' ? { ...metric, status: 'fail' as const } : metric)) }
    assert.deepEqual(
      mixed.metrics.map((metric) => `${metric.scenario}:${metric.status}`),
      ['bench:fail', 'other:inconclusive']
    )
    const mixedNote = await confirmOnBaseCommit(settings, mixed, twoCurrent, undefined, true, {
      log: new MemoryLogger(),
      now: Date.now,
      produce: () => Promise.reject(new Error('nothing is measured without a base')),
      decide: meanRatioDecider,
      event: 'local'
    })
    assert.match(mixedNote.note!, /^To measure the 1 regression and 1 inconclusive metric again,/)
    // Results read from a file could not be re-measured anyway: nothing to suggest.
    const fromFile = await resolveSettings({
      rootDir: dir,
      configExplicit: false,
      resultsPath: 'r.json',
      thresholdsText: 'mean: +10%',
      defaultBaselineStore: 'file',
      failOnRegression: true
    })
    const quiet = await confirmOnBaseCommit(fromFile, verdict, current, undefined, true, {
      log: new MemoryLogger(),
      now: Date.now,
      produce: () => Promise.reject(new Error('unused')),
      decide: meanRatioDecider
    })
    assert.equal(quiet.note, undefined)
  })

  test('paths under the repository move to the base checkout; results files cannot be re-measured', () => {
    const source = relocateSource(
      { kind: 'suites', suites: [{ name: 'a', command: 'x', format: 'auto', timeoutMs: 1, cwd: '/repo/app', resultsPath: '/repo/app/out.json', env: {} }] },
      '/repo',
      '/tmp/base'
    )
    assert.deepEqual(source?.kind === 'suites' && [source.suites[0]!.cwd, source.suites[0]!.resultsPath], ['/tmp/base/app', '/tmp/base/app/out.json'])
    assert.equal(relocateSource({ kind: 'results-file', path: '/repo/r.json', format: 'auto' }, '/repo', '/tmp/base'), undefined)
  })

  test("a load arm is one trial per scenario with the gate's own warm-up, rate and duration", () => {
    const scenario = { name: 'api', endpoints: [], connections: 4, durationSeconds: 2, warmupSeconds: 1, trials: 5, ratePerSecond: 200, timeoutSeconds: 10 }
    const server = { start: 'npm start', cwd: '/repo', env: {}, readyTimeoutMs: 1000, freshPerTrial: false }
    const arm = armSource({ kind: 'load', scenarios: [scenario, { ...scenario, name: 'b', trials: 3 }], server, secrets: [] })
    assert.ok(arm.kind === 'load')
    assert.deepEqual(
      arm.scenarios.map((s) => s.trials),
      [1, 1]
    )
    assert.deepEqual({ ...arm.scenarios[0]!, trials: 5 }, scenario)
    const file = { kind: 'results-file' as const, path: '/r.json', format: 'auto' }
    assert.equal(armSource(file), file)
  })

  test('the A/B outcome decides the status; metrics it did not cover keep theirs', () => {
    const baseline = resultsWith({ s: { p95: { values: [100, 100, 100], unit: 'ms' }, p50: { values: [10, 10, 10], unit: 'ms' } } })
    const current = resultsWith({ s: { p95: { values: [150, 150, 150], unit: 'ms' }, p50: { values: [10, 10, 10], unit: 'ms' } } })
    const rules = [{ metrics: { '*': { warn: [], fail: [{ kind: 'relative' as const, worseFraction: 0.1, text: '+10%' }], definedAt: 't' } } }]
    const verdict = evaluate({ current, baseline, history: [baseline], rules })
    const target = { scenario: 's', metric: 'p95', direction: 'lower' as const, worseFraction: 0.1, text: '+10%' }
    const folded = applyConfirmation(
      verdict,
      {
        confirmations: [
          {
            target,
            outcome: 'pass',
            reason: 'Within.',
            pairs: 8,
            change: { ratio: 1.01, method: 'paired' },
            arms: { base: [100, 101, 99, 100, 100, 100, 100, 100], head: [101, 102, 100, 101, 101, 101, 101, 101] }
          }
        ],
        pairs: 8,
        looks: 2,
        elapsedMs: 1
      },
      true
    )
    const p95 = folded.metrics.find((m) => m.metric === 'p95')!
    assert.equal(p95.status, 'pass')
    assert.equal(p95.change?.ratio, 1.01, 'the row shows the A/B estimate')
    assert.equal(p95.decidedBy, 'paired')
    assert.equal(p95.context?.status, verdict.metrics.find((m) => m.metric === 'p95')!.status, 'the stored comparison stays as non-deciding context')
    assert.ok(Math.abs(p95.current!.value / p95.baseline!.value - 1.01) < 1e-12)
    assert.equal(folded.metrics.find((m) => m.metric === 'p50')!.status, verdict.metrics.find((m) => m.metric === 'p50')!.status)
    assert.notEqual(folded.status, 'fail')
  })
})
