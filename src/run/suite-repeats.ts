/**
 * Repeats of a suite's command: each run of the command adds its trials to the scenarios of the same name, so a
 * tool that prints one number per benchmark (tinybench, benchmark.js, k6 summaries, …) still gives each side
 * several trials, and the statistics can tell a change from run-to-run noise. Formats that already hold repeats
 * keep theirs: the runs' trials are concatenated.
 */
import type { SuiteSettings } from '../config/settings.js'
import type { Results, Scenario } from '../results/model.js'
import { warmUpFirstTrial } from './warm-up-trial.js'

/**
 * Runs of a suite without `repeat` whose first run gave one value per benchmark. Five runs is the smallest count at
 * which the trials-based interval decides typical ±3–5 % run-to-run noise against a +10 % threshold (see
 * docs/repeat.md); a suite whose tool repeats on its own keeps its single run.
 */
export const DEFAULT_SINGLE_VALUE_RUNS = 5

/** True when every scenario of a run holds exactly one trial: one number per benchmark, no spread to judge noise by. */
export function holdsOneValuePerScenario(results: Results): boolean {
  return results.scenarios.length > 0 && results.scenarios.every((scenario) => scenario.trials.length <= 1)
}

/** How many runs to make in total: the configured count, or after an unconfigured first run, the default when it held one value. */
export function plannedRuns(configured: number | undefined, first: Results): number {
  if (configured !== undefined) return configured
  return holdsOneValuePerScenario(first) ? DEFAULT_SINGLE_VALUE_RUNS : 1
}

/**
 * Concatenates the trials of scenarios with the same name across runs, in run order. A scenario missing from some
 * runs keeps the trials it has (the verdict sees fewer trials for it); scenario order follows the first run.
 */
export function mergeRuns(runs: Results[]): Results {
  const byName = new Map<string, Scenario>()
  for (const run of runs) {
    for (const scenario of run.scenarios) {
      const merged = byName.get(scenario.name)
      if (merged) merged.trials.push(...scenario.trials)
      else byName.set(scenario.name, { ...scenario, trials: [...scenario.trials] })
    }
  }
  return { ...runs[0]!, scenarios: [...byName.values()] }
}

/**
 * "bench fib(20): mean 31% above the others": the first scenario whose first run was still warming up (cold caches,
 * a JIT not yet warm) on a metric the gate judges, when every run gave one value per benchmark and there are 3+ runs.
 * The verdict sets such a trial aside (src/stats/trial-trend.ts), so the suite makes one more run to compare as many as
 * configured. A tool that repeats on its own (several trials per run) is left alone: its first trial is not a run.
 */
export function coldFirstRun(runs: Results[], isJudged: (scenario: string, metric: string) => boolean): string | undefined {
  if (runs.length < 3 || !runs.every(holdsOneValuePerScenario)) return undefined
  for (const scenario of mergeRuns(runs).scenarios) {
    const found = warmUpFirstTrial(scenario.trials, (metric) => isJudged(scenario.name, metric))
    if (found) return `${scenario.name}: ${found}`
  }
  return undefined
}

/** The report's note on how a suite's results were made. */
export function repeatNote(suite: string, runs: number, configured: number | undefined): string {
  if (runs === 1) return `Suite "${suite}": the command ran once${configured === 1 ? ' (repeat: 1)' : ''}.`
  const why =
    configured !== undefined
      ? `repeat: ${configured}`
      : 'each run reports one value per benchmark, so it was repeated to measure the noise; set repeat to change'
  return `Suite "${suite}": the command ran ${runs} times (${why}); each run's values are trials of its benchmarks.`
}

/**
 * The suites as one arm of an interleaved A/B pair runs them: each command once. The repeats a suite makes on its own
 * side become pairs there (with repeat: 5, the five runs per side of a run are five pairs, base and head interleaved).
 */
export function oneRunEach(suites: SuiteSettings[]): SuiteSettings[] {
  return suites.map((suite) => ({ ...suite, repeat: 1 }))
}
