/**
 * perf-gate's programmatic API (`import { compareResults, parseResults } from 'perf-gate'`): parse a results file
 * of any supported format, compare two results with thresholds, or run the whole gate with your own baseline
 * store and results producer. Importing this module runs nothing: no Action, no CLI, no server.
 */
import { givenBaselineStore, unsavedBaselineRecord } from './baselines/given-baseline.js'
import { resolveSettings } from './config/resolve-settings.js'
import { DEFAULT_CONFIG_PATH } from './config/settings.js'
import { MemoryLogger, type Logger } from './log.js'
import { runGate, type GateOutcome } from './gate.js'
import type { Results } from './results/model.js'

export { VERSION } from './version.js'
export { parseResultsText as parseResults, formatNames } from './formats/registry.js'
/** Runs the whole pipeline; give `context.event: 'local'` for a programmatic run (it may then save with `save: 'promote'`). */
export { runGate, type GateDeps, type GateOptions, type GateOutcome } from './gate.js'
export { resolveSettings, type EdgeSettings } from './config/resolve-settings.js'
export type { GateSettings } from './config/settings.js'
export { FileBaselineStore } from './baselines/file-store.js'
export type { BaselineLookup, BaselineQuery, BaselineRecord, BaselineStore, BaselineSummary, SavedBaseline } from './baselines/store.js'
export { MemoryLogger, type Logger } from './log.js'
export type { RunContext } from './context.js'
export type { Results, Scenario, Trial, MetricValue } from './results/model.js'
export type { GateReport } from './report/report-model.js'
export { renderMarkdownReport } from './report/markdown.js'
export { renderTerminalReport } from './report/terminal.js'
export { EXIT_PASS, EXIT_REGRESSION, EXIT_RUN_FAILED, EXIT_BAD_INPUT } from './errors.js'

export interface CompareOptions {
  /** Inline thresholds, as the CLI's --thresholds: e.g. `p95: +20%` or `{ p95: { warn: +10%, fail: +25% } }`. */
  thresholds?: string
  /** A config file (relative to rootDir) for the thresholds; by default .github/perf-gate.yml when it exists. */
  config?: string
  /** Where a relative config path is resolved (default: the process's working directory). */
  rootDir?: string
  /** Gate name shown in the report (default: the config's, else "default"). */
  name?: string
  /** Exit code 1 on warn and inconclusive too. */
  strict?: boolean
  /** Where progress and warnings go (default: kept in memory). */
  log?: Logger
}

/**
 * Compares current results with baseline results (both as `parseResults` returns them) as `perf-gate compare`
 * does: verdicts per scenario and metric, the report, and the exit code the CLI would return. Saves nothing.
 */
export async function compareResults(baseline: Results, current: Results, options: CompareOptions = {}): Promise<GateOutcome> {
  const rootDir = options.rootDir ?? process.cwd()
  const settings = await resolveSettings({
    rootDir,
    configPath: options.config ?? DEFAULT_CONFIG_PATH,
    configExplicit: options.config !== undefined,
    defaultBaselineStore: 'file',
    failOnRegression: true,
    resultsPath: 'current results',
    baselineName: '',
    confirm: 'never',
    thresholdsSource: 'options.thresholds',
    ...(options.thresholds !== undefined ? { thresholdsText: options.thresholds } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.strict ? { strict: true } : {})
  })
  const record = unsavedBaselineRecord(baseline, { gate: settings.name, id: 'baseline', savedAt: new Date().toISOString(), event: 'api' })
  const store = givenBaselineStore(record, 'the given baseline results')
  return runGate(
    settings,
    { log: options.log ?? new MemoryLogger(), store, context: { event: 'local', runner: 'local' }, now: () => new Date(), produce: async () => current },
    { save: 'never' }
  )
}
