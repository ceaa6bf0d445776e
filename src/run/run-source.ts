/**
 * Produces the current results from the configured source: benchmark suites (commands), or a results file
 * someone else produced. Every failure here is a run failure (exit 2) or bad input (exit 3), never a verdict.
 */
import { readFile, stat } from 'node:fs/promises'
import { LOAD_SUITE_NAME, type RunSource, type SuiteSettings } from '../config/settings.js'
import { InputError, RunError, attachMeasured } from '../errors.js'
import { parseResultsText } from '../formats/registry.js'
import { decodeResultsBytes } from '../formats/results-file.js'
import type { Logger } from '../log.js'
import { displayPath } from '../paths.js'
import type { Results, Scenario } from '../results/model.js'
import { runCommand } from './command.js'
import type { TreeMemory } from './process-memory.js'
import { runLoad } from './load/load-runner.js'
import { coldFirstRun, mergeRuns, plannedRuns, repeatNote } from './suite-repeats.js'

export interface RunDeps {
  log: Logger
  rootDir: string
  signal?: AbortSignal
  /** Load only: awaited once right before the first load (see LoadRunDeps.beforeFirstLoad). */
  beforeFirstLoad?: () => Promise<void>
  /** Load only: exactly the configured trials, never one more for a warm-up (see LoadRunDeps.fixedTrials). */
  fixedTrials?: boolean
  /** Lines for the report's notes (e.g. how many times a suite's command ran). */
  notes?: string[]
  /** Whether the gate judges a metric of a suite's scenario: a cold first run of a suite is looked for on those. */
  isJudged?: (scenario: { name: string; suite: string }, metric: string) => boolean
}

/** Runs every suite (or reads the results file) and merges their scenarios into one Results. */
export async function produceResults(source: RunSource, deps: RunDeps): Promise<Results> {
  if (source.kind === 'none') throw new InputError('nothing to run: give a command, a results file, or suites in the config')
  if (source.kind === 'results-file') {
    const shown = displayPath(deps.rootDir, source.path)
    const text = await readResultsFile(source.path, shown)
    return parseResultsText(text, source.format, shown)
  }
  if (source.kind === 'load') {
    return runLoad(source, deps)
  }
  const scenarios: Scenario[] = []
  const origin = new Map<string, string>()
  let first: Results | undefined
  for (const suite of source.suites) {
    let results: Results
    try {
      results = await runSuiteRepeated(suite, deps)
    } catch (error) {
      // The suites that did finish are still worth reporting (as JSON) next to the failure.
      throw attachMeasured(error, first ? { ...first, scenarios } : undefined)
    }
    first ??= results
    for (const scenario of results.scenarios) {
      const clash = origin.get(scenario.name)
      if (clash) {
        throw new InputError(`scenario "${scenario.name}" is produced by both suite "${clash}" and suite "${suite.name}"; names must be unique`)
      }
      origin.set(scenario.name, suite.name)
      scenarios.push({ ...scenario, labels: { ...scenario.labels, suite: suite.name } })
    }
  }
  if (source.load) {
    // The config's load section, after the suites: one run, one report. A load that fails keeps what the suites measured.
    let load: Results
    try {
      load = await runLoad(source.load, deps)
    } catch (error) {
      throw attachMeasured(error, first ? { ...first, scenarios } : undefined)
    }
    first ??= load
    for (const scenario of load.scenarios) {
      const clash = origin.get(scenario.name)
      if (clash) throw new InputError(`scenario "${scenario.name}" is produced by both suite "${clash}" and the load section; names must be unique`)
      scenarios.push({ ...scenario, labels: { ...scenario.labels, suite: LOAD_SUITE_NAME } })
    }
  }
  return { ...first!, scenarios }
}

/** Runs a suite's command `repeat` times (or, unset, once and then to the default when each run gives one value). */
async function runSuiteRepeated(suite: SuiteSettings, deps: RunDeps): Promise<Results> {
  const runs = [await runSuite(suite, deps, 1, suite.repeat)]
  let total = plannedRuns(suite.repeat, runs[0]!)
  for (let run = 2; run <= total; run++) runs.push(await runSuite(suite, deps, run, total))
  const warmUp = deps.fixedTrials ? undefined : coldFirstRun(runs, (scenario, metric) => deps.isJudged?.({ name: scenario, suite: suite.name }, metric) ?? true)
  if (warmUp) {
    total++
    deps.log.info(`Suite "${suite.name}": run 1 looks like a warm-up (${warmUp}) and is left out; one more run, so that ${total - 1} are compared.`)
    runs.push(await runSuite(suite, deps, total, total))
  }
  const note = repeatNote(suite.name, total, suite.repeat)
  if (total > 1) deps.log.info(note)
  if (total > 1 || suite.repeat !== undefined) deps.notes?.push(note)
  if (warmUp) {
    deps.notes?.push(
      `Suite "${suite.name}": run 1 was still warming up (${warmUp}), so it is left out of every row and a run ${total} was made: ${total - 1} runs are compared; a warm-up step in the benchmark avoids it.`
    )
  }
  // The cold run is left out of the results, not only of the rows where it stands apart: with the run made to replace
  // it, it may no longer stand apart on the metric that showed it (the new run widens the others' range), and a row
  // that kept it would contradict this note.
  return mergeRuns(warmUp ? runs.slice(1) : runs)
}

async function runSuite(suite: SuiteSettings, deps: RunDeps, run: number, total: number | undefined): Promise<Results> {
  const before = suite.resultsPath ? await modifiedAt(suite.resultsPath) : undefined
  const ofRuns = total === undefined ? (run > 1 ? ` (run ${run})` : '') : total > 1 ? ` (run ${run} of ${total})` : ''
  deps.log.info(`Running suite "${suite.name}"${ofRuns}: ${suite.command}`)
  const outcome = await runCommand(
    { command: suite.command, cwd: suite.cwd, env: suite.env, timeoutMs: suite.timeoutMs, ...(suite.memory ? { sampleMemory: true } : {}) },
    deps.log,
    deps.signal
  )
  const tail = outcome.outputTail ? `\nLast output:\n${indent(outcome.outputTail)}` : ''
  if (outcome.cancelled) throw new RunError(`suite "${suite.name}" was cancelled; its processes were stopped.${tail}`)
  if (outcome.timedOut) {
    throw new RunError(
      `suite "${suite.name}" timed out after ${formatMs(suite.timeoutMs)}; its whole process group was killed. Raise the suite's timeout if it needs longer.${tail}`
    )
  }
  if (outcome.exitCode !== 0) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`
    throw new RunError(`suite "${suite.name}" failed: \`${suite.command}\` ${how}.${tail}`)
  }
  deps.log.info(`Suite "${suite.name}" finished in ${formatMs(outcome.durationMs)}.`)
  const results = await suiteResults(suite, deps, outcome.stdout, before)
  if (suite.memory) withProcessMemory(results, suite, outcome.memory, deps)
  return results
}

/** The suite's results: its results file (written by this run) or its standard output, parsed. */
async function suiteResults(suite: SuiteSettings, deps: RunDeps, stdout: string, before: number | undefined): Promise<Results> {
  const resultsShown = suite.resultsPath ? displayPath(deps.rootDir, suite.resultsPath) : undefined
  if (!suite.resultsPath) {
    if (stdout.trim() === '') {
      throw new RunError(`suite "${suite.name}" printed nothing on standard output, and no results file is configured`)
    }
    return parseResultsText(stdout, suite.format, `standard output of suite "${suite.name}"`, { suite: suite.name })
  }
  const after = await modifiedAt(suite.resultsPath)
  if (after === undefined) {
    throw new RunError(`suite "${suite.name}" finished but did not write its results file ${resultsShown}`)
  }
  if (before !== undefined && after <= before) {
    throw new RunError(`suite "${suite.name}" did not update its results file ${resultsShown}: it still holds an earlier run's results`)
  }
  return parseResultsText(await readResultsFile(suite.resultsPath, resultsShown!), suite.format, resultsShown!, { suite: suite.name })
}

/**
 * `memory: true`: the peak resident memory of the command's process tree, one trial per run, in a scenario of its own
 * (`<suite> (process)`). The peak, not the growth: a command's tree starts from nothing, so its peak is what it grew.
 */
function withProcessMemory(results: Results, suite: SuiteSettings, memory: TreeMemory | undefined, deps: RunDeps): void {
  if (!memory) {
    deps.log.warn(
      `Suite "${suite.name}": memory could not be sampled (${process.platform === 'linux' ? 'the command ended before the first sample' : 'Linux only'}); no rss_peak this run.`
    )
    return
  }
  results.scenarios.push({
    name: processScenarioName(suite.name),
    labels: { suite: suite.name },
    trials: [{ metrics: { rss_peak: { value: Math.round(memory.peakMiB * 100) / 100, unit: 'MiB', direction: 'lower' } } }]
  })
}

/** The scenario that holds a suite's process-tree memory. */
export function processScenarioName(suite: string): string {
  return `${suite} (process)`
}

async function readResultsFile(path: string, shown: string): Promise<string> {
  try {
    return decodeResultsBytes(await readFile(path), shown)
  } catch (error) {
    if (error instanceof InputError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(code === 'ENOENT' ? `results file ${shown} does not exist` : `results file ${shown} cannot be read: ${(error as Error).message}`)
  }
}

async function modifiedAt(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs
  } catch {
    return undefined
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`
  return `${(ms / 60_000).toFixed(1)} min`
}
