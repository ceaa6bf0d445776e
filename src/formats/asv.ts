/**
 * airspeed velocity (asv) results: one file of `.asv/results/<machine>/<commit>-<env>.json`, asv 0.5+'s layout
 * (version 2): `results` maps each benchmark to a row of values in the order of `result_columns`.
 *
 * One scenario per benchmark and parameter combination (`mod.Suite.time_x(10, 'a')`, as `asv compare` names it; the
 * combinations are the product of the `params` lists, the last varying fastest). The type comes from the name's last
 * part, as asv finds benchmarks: `time_`/`timeraw_` → `time` (s), `peakmem_` → `memory` (B, peak RSS), `mem_` →
 * `size` (B), anything else (`track_`) → `value`, unitless, lower is better (asv keeps a track's unit in
 * benchmarks.json, not in the results). Trials: the raw `samples` when asv recorded them (`--record-samples`),
 * otherwise one trial of `result` (asv's median) with `p25`/`p75` from its stats. A `null` result is a failed
 * benchmark (a run failure); `NaN` is a combination asv skipped, left out. Not kept: the 99% interval, `number`,
 * `repeat`, profiles. Environment from `params` (machine's cpu, os, arch, num_cpu, ram); time from `started_at`.
 */
import { InputError, RunError } from '../errors.js'
import type { EnvironmentFingerprint, MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, isJsonObject, items, jsonError, jsonRoot, type JsonNode } from './json-reader.js'
import { buildResults, isoTimestamp, metricValue, ScenarioCollector } from './results-builder.js'

export const asvFormat: ResultsFormat = {
  name: 'asv',
  description: 'airspeed velocity (asv) results JSON (.asv/results/<machine>/<commit>-<env>.json)',
  detect(text) {
    return /^\s*\{/.test(text) && /"commit_hash"\s*:/.test(text) && /"results"\s*:/.test(text) && /"(result_columns|env_name|requirements)"\s*:/.test(text)
  },
  resembles(text) {
    return /^\s*\{/.test(text) && /"(result_columns|commit_hash)"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(quoteNonFinite(text), source), source)
    const document = asObject(root, 'an asv results object')
    if (document.version !== 2 || !Array.isArray(document.result_columns)) {
      throw new InputError(
        `${source}: asv results of version ${JSON.stringify(document.version ?? 'unknown')}; perf-gate reads version 2 (asv 0.5 and later): run \`asv update\` to convert older results`
      )
    }
    const columns = items(child(root, 'result_columns')).map((column) => (typeof column.value === 'string' ? column.value : ''))
    const collector = new ScenarioCollector()
    const startedAt: number[] = []
    for (const [name, row] of entries(child(root, 'results'))) {
      const cells = rowCells(row, columns)
      if (typeof cells.started_at?.value === 'number') startedAt.push(cells.started_at.value)
      for (const [scenario, trials] of benchmarkTrials(name, row, cells)) {
        for (const trial of trials) collector.addTrial(scenario, trial, { kind: 'benchmark' })
      }
    }
    const createdAt = startedAt.length > 0 ? isoTimestamp(Math.min(...startedAt)) : undefined
    return buildResults('asv', collector.scenarios(), source, {
      environment: environmentOf(child(root, 'params')),
      ...(createdAt ? { createdAt } : {}),
      nothingFound: 'no asv benchmark results found'
    })
  }
}

/** A row's values by column name (rows stop early when their last columns are null). */
function rowCells(row: JsonNode, columns: string[]): Record<string, JsonNode> {
  const values = items(row, 'an array of values in the order of result_columns')
  const cells: Record<string, JsonNode> = {}
  columns.forEach((column, index) => {
    if (values[index]) cells[column] = values[index]!
  })
  return cells
}

/** The metric a benchmark's values are, from the prefix of its name's last part. */
function metricOf(name: string): { metric: string; unit: string } {
  const last = name.slice(name.lastIndexOf('.') + 1)
  if (/^time(raw)?_/.test(last)) return { metric: 'time', unit: 's' }
  if (/^peakmem_/.test(last)) return { metric: 'memory', unit: 'B' }
  if (/^mem_/.test(last)) return { metric: 'size', unit: 'B' }
  return { metric: 'value', unit: '' }
}

/** Scenario name and trials for each parameter combination of one benchmark. */
function benchmarkTrials(name: string, row: JsonNode, cells: Record<string, JsonNode>): Array<[string, Trial[]]> {
  const { metric, unit } = metricOf(name)
  const result = cells.result
  if (!result) throw new InputError(`${row.source}: ${row.pointer}: no "result" value for "${name}"`)
  const results = Array.isArray(result.value) ? items(result) : [result]
  const combinations = parameterCombinations(cells.params)
  if (combinations.length !== results.length) {
    throw new InputError(`${result.source}: ${result.pointer}: ${results.length} results for ${combinations.length} parameter combinations of "${name}"`)
  }
  const out: Array<[string, Trial[]]> = []
  results.forEach((value, index) => {
    const scenario = combinations[index]!.length > 0 ? `${name}(${combinations[index]!.join(', ')})` : name
    if (value.value === null) throw new RunError(`${value.source}: ${value.pointer}: benchmark "${scenario}" failed (its result is null); see asv's log`)
    if (value.value === 'NaN') return // skipped by the benchmark (NotImplementedError) for this combination
    const samples = combinationValue(cells.samples, index)
    const trials: Trial[] =
      Array.isArray(samples?.value) && samples.value.length > 0
        ? items(samples).map((sample) => ({ metrics: { [metric]: measured(sample, unit) } }))
        : [{ metrics: { [metric]: measured(value, unit), ...quartiles(cells, index, unit, metric) } }]
    out.push([scenario, trials])
  })
  return out
}

function measured(node: JsonNode, unit: string): MetricValue {
  if (typeof node.value !== 'number' || !Number.isFinite(node.value)) throw jsonError(node, 'a number')
  return metricValue(node.value, unit, 'lower')
}

/** asv's q_25 / q_75 of the samples behind a median time. */
function quartiles(cells: Record<string, JsonNode>, index: number, unit: string, metric: string): Record<string, MetricValue> {
  if (metric !== 'time') return {}
  const metrics: Record<string, MetricValue> = {}
  for (const [column, name] of [
    ['stats_q_25', 'p25'],
    ['stats_q_75', 'p75']
  ] as const) {
    const value = combinationValue(cells[column], index)
    if (typeof value?.value === 'number' && Number.isFinite(value.value)) metrics[name] = metricValue(value.value, unit)
  }
  return metrics
}

/** The value of a per-combination column (a list with one entry per combination), or undefined. */
function combinationValue(cell: JsonNode | undefined, index: number): JsonNode | undefined {
  if (!cell || !Array.isArray(cell.value)) return undefined
  const value = (cell.value as unknown[])[index]
  return value === undefined || value === null ? undefined : { value, pointer: `${cell.pointer}/${index}`, source: cell.source }
}

/** Every combination of parameter values, in asv's order (itertools.product: the last parameter varies fastest). */
function parameterCombinations(params: JsonNode | undefined): string[][] {
  if (!params || params.value === null || (Array.isArray(params.value) && params.value.length === 0)) return [[]]
  const lists = items(params, 'an array of parameter value lists').map((list) =>
    items(list, 'an array of parameter values').map((value) => (typeof value.value === 'string' ? value.value : JSON.stringify(value.value)))
  )
  return lists.reduce<string[][]>((combinations, values) => combinations.flatMap((combination) => values.map((value) => [...combination, value])), [[]])
}

function environmentOf(params: JsonNode): EnvironmentFingerprint {
  if (!isJsonObject(params.value)) return {}
  const machine = params.value
  const environment: EnvironmentFingerprint = {}
  const text = (key: string): string | undefined => (typeof machine[key] === 'string' && machine[key] !== '' ? (machine[key] as string) : undefined)
  // asv writes the OS as platform.system() and release ("Linux 6.5.0-1025-azure"): the first word is the OS.
  const os = text('os')?.split(/[\s(]/)[0]
  if (os) environment.os = os
  if (text('arch')) environment.arch = text('arch')
  if (text('cpu')) environment.cpuModel = text('cpu')
  const cores = Number(machine.num_cpu)
  if (Number.isInteger(cores) && cores > 0) environment.cores = cores
  const ram = Number(machine.ram)
  if (Number.isFinite(ram) && ram > 0) environment.memoryBytes = ram
  if (text('machine')) environment.runner = text('machine')
  return environment
}

/**
 * Python's json writes NaN and ±Infinity bare (asv's skipped results, open interval ends), which JSON.parse refuses:
 * outside strings they become the strings "NaN", "Infinity", "-Infinity", so a skipped value can be told apart.
 */
function quoteNonFinite(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text
  let out = ''
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (inString) {
      out += char
      if (char === '\\') out += text[++index] ?? ''
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') {
      inString = true
      out += char
      continue
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((candidate) => text.startsWith(candidate, index))
    if (token) {
      out += `"${token}"`
      index += token.length - 1
      continue
    }
    out += char
  }
  return out
}
