/** Small GateReport and MetricVerdict builders for report and comment tests. */
import type { BaselineRecord } from '../../src/baselines/store.js'
import { parseThresholdMap } from '../../src/config/thresholds.js'
import type { RunContext } from '../../src/context.js'
import { buildReport } from '../../src/report/build-report.js'
import type { GateReport } from '../../src/report/report-model.js'
import type { Results } from '../../src/results/model.js'
import type { MetricStatus, MetricVerdict } from '../../src/verdict/types.js'
import { evaluate, summarize } from '../../src/verdict/evaluate.js'
import { labelOf } from '../../src/verdict/labels.js'

/** The report of a local run of `current` against stored runs (newest first), gated on p95 +20%. */
export function reportAgainst(history: BaselineRecord[], current: Results): GateReport {
  const rules = [{ metrics: parseThresholdMap({ p95: '+20%' }, 'test') }]
  const verdict = evaluate({ current, baseline: history[0]!.results, history: history.map((r) => r.results), rules })
  const context: RunContext = { event: 'local', runner: 'local' }
  return buildReport({
    gate: 'api',
    verdict,
    current,
    lookup: { baseline: history[0]!, history, problems: [] },
    storeDescription: 'file store',
    context,
    now: new Date(),
    notes: []
  })
}

/** One p95 row of `scenario` with `status` (fail rows are +50%, others +1%). */
export function row(scenario: string, status: MetricStatus, extra: Partial<MetricVerdict> = {}): MetricVerdict {
  const built: MetricVerdict = {
    scenario,
    metric: 'p95',
    unit: 'ms',
    direction: 'lower',
    status,
    gated: true,
    baseline: { value: 10, values: [10, 10.1, 9.9] },
    current: { value: status === 'fail' ? 15 : 10.1, values: [10.1] },
    change:
      status === 'fail'
        ? { ratio: 1.5, method: 'trials', interval: { low: 1.4, high: 1.6, confidence: 0.99 } }
        : status === 'improved'
          ? { ratio: 0.8, method: 'trials', interval: { low: 0.75, high: 0.85, confidence: 0.99 } }
          : { ratio: 1.01, method: 'trials', interval: { low: 0.99, high: 1.02, confidence: 0.99 } },
    threshold: { warn: ['+10%'], fail: ['+20%'] },
    reason: `reason for ${scenario}`,
    ...extra
  }
  built.label = labelOf(built, 0.03)
  return built
}

/** A report of gate "api" over `metrics`, with a baseline two hours old. */
export function report(metrics: MetricVerdict[], extra: Partial<GateReport> = {}): GateReport {
  const verdict = summarize(metrics, true)
  return {
    schemaVersion: 1,
    gate: 'api',
    verdict: verdict.status,
    generatedAt: '2026-11-23T10:00:00.000Z',
    counts: verdict.counts,
    regressions: verdict.counts.fail,
    current: { scenarios: metrics.length, sha: 'c'.repeat(40) },
    baseline: {
      id: 'x',
      savedAt: '2026-11-23T08:00:00.000Z',
      ageSeconds: 7200,
      sha: 'b'.repeat(40),
      ref: 'refs/heads/main',
      store: 'file store',
      runnerDiffers: false,
      historySize: 3
    },
    baselineProblems: [],
    notes: [],
    links: { runUrl: 'https://github.com/o/r/actions/runs/1', repositoryUrl: 'https://github.com/o/r' },
    metrics,
    ...extra
  }
}
