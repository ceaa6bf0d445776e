/**
 * `perf-gate history`: the stored runs of a gate as a table (terminal, --markdown or --json), with the change points
 * of every gated metric. Reads any store through the BaselineStore interface.
 */
import type { BaselineStore } from '../baselines/store.js'
import type { GateSettings } from '../config/settings.js'
import { EXIT_PASS, InputError, RunError } from '../errors.js'
import { buildHistoryTable } from './history-table.js'
import type { BaselineRecord } from '../baselines/store.js'
import { globMatches } from '../config/thresholds.js'
import { closestName } from '../closest-name.js'
import { checkRulesMatch } from '../verdict/rule-coverage.js'
import { historyJson, historyMarkdown, historyText } from './render-history.js'

export const HISTORY_HELP = `Usage: perf-gate history [options]

Prints the stored runs of the gate, newest first: one row per run (commit, date,
runner), one column per gated metric (a metric with a threshold), each value with
its change to the run before, the marks of the verdict recorded with that run
(❌ failed, ⚠️ warned, 🚀 improved) and the change points found in the history
(📉 a step the bad way, 📈 the good way; E-Divisive means as Apache Otava does it,
p ≤ 0.001, step at least the metric's threshold).

Options:
      --scenario <glob>    only these scenarios (repeatable)
      --last <n>           show the last n runs (change points use every stored run)
      --json               print JSON: storedRuns (how many in all), runs (id, commit,
                           time, runner, values; the last n with --last) and
                           changePoints (scenario, metric, id, commit, size, pValue)
      --markdown           print a Markdown table
  -c, --config <file>      config file (thresholds, gate name, store)
  -n, --name <gate>        gate name
  -t, --thresholds <rules> inline thresholds, e.g. "p95: +10%"
      --baseline-dir <dir> file store directory (default .perf-gate)`

export interface HistoryIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

export async function historyCommand(
  settings: GateSettings,
  store: BaselineStore,
  values: Record<string, string | boolean | string[] | undefined>,
  io: HistoryIo
): Promise<number> {
  if (values.json && values.markdown) throw new InputError('history: use either --json or --markdown, not both')
  let last: number | undefined
  if (typeof values.last === 'string') {
    last = Number(values.last)
    if (!Number.isInteger(last) || last < 1) throw new InputError(`history: --last must be a whole number of runs of at least 1, not "${values.last}"`)
  }
  const scenarios = Array.isArray(values.scenario) ? values.scenario : typeof values.scenario === 'string' ? [values.scenario] : []
  const lookup = await store.load({ gate: settings.name, historyLimit: Math.max(settings.baseline.historyLimit, last ?? 0) })
  for (const problem of lookup.problems) io.stderr.write(`perf-gate: ${problem}\n`)
  if (lookup.history.length === 0) {
    if (lookup.absence && lookup.absence.kind !== 'not-saved')
      throw new RunError(`history: the stored runs of gate "${settings.name}" could not be read: ${lookup.absence.reason}`)
    if (values.json) io.stdout.write(`${JSON.stringify({ storedRuns: 0, columns: [], runs: [], changePoints: [] }, null, 2)}\n`)
    else io.stdout.write(`No stored runs for gate "${settings.name}" in ${store.description}.\n`)
    return EXIT_PASS
  }
  checkScenarioGlobs(scenarios, lookup.history)
  // A rule that matches no stored metric is a typo (`p96`), as it is for `run` (exit 3), not "no gated metrics".
  checkRulesMatch(
    settings.thresholds,
    lookup.history.map((record) => record.results)
  )
  const table = buildHistoryTable(lookup.history, { rules: settings.thresholds, scenarios })
  if (values.json) io.stdout.write(`${JSON.stringify(historyJson(table, last), null, 2)}\n`)
  else if (values.markdown) io.stdout.write(historyMarkdown(table, last === undefined ? {} : { lastRuns: last }))
  else io.stdout.write(historyText(table, last))
  return EXIT_PASS
}

/** A --scenario glob that matches no stored scenario is a typo, not "no gated metrics" (exit 3, with what is stored). */
function checkScenarioGlobs(globs: string[], history: readonly BaselineRecord[]): void {
  const names = [...new Set(history.flatMap((record) => record.results.scenarios.map((scenario) => scenario.name)))]
  for (const glob of globs) {
    if (names.some((name) => globMatches(glob, name))) continue
    const near = closestName(glob, names)
    const shown =
      names
        .slice(0, 8)
        .map((name) => `"${name}"`)
        .join(', ') + (names.length > 8 ? ` and ${names.length - 8} more` : '')
    throw new InputError(`history: --scenario "${glob}" matches no stored scenario${near ? ` (did you mean "${near}"?)` : ''}; stored: ${shown}`)
  }
}
