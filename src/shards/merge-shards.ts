/**
 * Shards of a job matrix → one results document, exactly:
 * - split "scenarios": each shard ran its own scenarios; the union is taken, and a scenario from two shards is an error.
 * - split "load": every shard loaded every scenario at 1/N of the rate or connections, at an agreed start. Trial i of
 *   the merged scenario combines trial i of every shard: latency histograms add (percentiles are re-read from the
 *   sum, never averaged), rates and counts sum, error ratios are weighted by requests, peaks take the maximum.
 * Before merging, the set is checked: every shard 1..N reported once, all measured the same commit on the same kind
 * of runner, for the same gate. A missing, failed or duplicated shard fails the run, naming the shard.
 */
import { InputError, RunError } from '../errors.js'
import { convertValue, unitFamily } from '../results/units.js'
import { encodeHistogram, mergeEncodedHistograms, refreshHistogramMetrics } from '../results/histogram.js'
import type { EnvironmentFingerprint, MetricValue, Results, Scenario, Trial } from '../results/model.js'
import { schemaProblems } from '../schemas.js'
import { escapeRegExp, formatShard, type ShardSpec } from './shard-spec.js'

export const SHARD_SCHEMA_VERSION = 1

/** What one shard uploads (schemas/shard.schema.json). */
export interface ShardReport {
  schemaVersion: number
  gate: string
  shard: ShardSpec
  split: 'scenarios' | 'load'
  sha?: string
  runId?: string
  runAttempt?: number
  startedAt?: string
  /** Load shards: the start every shard agreed on at the barrier (start-barrier.ts). */
  agreedStartAt?: string
  results: Results
}

/** The artifact one shard uploads; the aggregate job finds them by this name. */
export function shardArtifactName(gate: string, shard: ShardSpec): string {
  return `perf-gate-shard-${gate}-${shard.index}-of-${shard.total}`
}

/** True for an upload name of `gate`'s shards (anchored: gate "api" does not take the uploads of gate "api-2"). */
export function isShardUploadOf(gate: string, name: string): boolean {
  return new RegExp(`^perf-gate-shard-${escapeRegExp(gate)}-\\d+-of-\\d+(-|$)`).test(name)
}

/** Parses and validates one shard's upload; `where` names the artifact for messages. */
export function parseShardReport(text: string, where: string): ShardReport {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new RunError(`${where}: not valid JSON (${(error as Error).message}); was the shard's upload cut short?`)
  }
  const problems = schemaProblems('shard', data)
  if (problems.length > 0) throw new RunError(`${where} is not a valid perf-gate shard upload:\n  ${problems.map((p) => p.message).join('\n  ')}`)
  return data as ShardReport
}

export interface ShardExpectations {
  gate: string
  /** The number of shards the matrix has, when the aggregate job knows it (input shards). */
  total?: number
  /** The commit the aggregate job is for: every shard must have measured it. */
  sha?: string
}

/**
 * Checks that the shards form one complete measurement. Returns notes for the report (e.g. mixed CPU models,
 * which hosted runner pools have and which do not invalidate a merge); throws RunError naming the bad shard.
 */
export function checkShardSet(reports: ShardReport[], expected: ShardExpectations): string[] {
  if (reports.length === 0) throw new RunError(`no shard results of gate "${expected.gate}" were found; did the shard jobs run and upload them?`)
  const total = expected.total ?? reports[0]!.shard.total
  const seen = new Map<number, ShardReport>()
  for (const report of reports) {
    const name = formatShard(report.shard)
    if (report.gate !== expected.gate) throw new RunError(`shard ${name} belongs to gate "${report.gate}", not "${expected.gate}"`)
    if (report.shard.total !== total) throw new RunError(`shard ${name} says the matrix has ${report.shard.total} shards, but ${total} are expected`)
    if (seen.has(report.shard.index))
      throw new RunError(
        `shard ${name} reported twice (runs ${seen.get(report.shard.index)!.runId ?? '?'} and ${report.runId ?? '?'}); each shard must report once`
      )
    seen.set(report.shard.index, report)
    if (expected.sha && report.sha && report.sha !== expected.sha) {
      throw new RunError(
        `shard ${name} measured commit ${report.sha.slice(0, 7)}, but this run is for ${expected.sha.slice(0, 7)}; results of another commit cannot be merged`
      )
    }
    if (report.split !== reports[0]!.split)
      throw new RunError(`shard ${name} split by ${report.split}, shard ${formatShard(reports[0]!.shard)} by ${reports[0]!.split}`)
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((index) => !seen.has(index))
  if (missing.length > 0) {
    throw new RunError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${total}`).join(', ')} did not report: ` +
        `the verdict would look complete without ${missing.length > 1 ? 'them' : 'it'}. Check the failed matrix job${missing.length > 1 ? 's' : ''}.`
    )
  }
  const shas = new Set(reports.flatMap((report) => (report.sha ? [report.sha] : [])))
  if (shas.size > 1) {
    const [first, ...others] = reports.filter((report) => report.sha)
    const odd = others.find((report) => report.sha !== first!.sha)!
    throw new RunError(
      `shard ${formatShard(odd.shard)} measured commit ${odd.sha!.slice(0, 7)}, shard ${formatShard(first!.shard)} ${first!.sha!.slice(0, 7)}; all shards must measure one commit`
    )
  }
  return environmentNotes(reports)
}

/** Below this overlap of the shards' measured windows, a merged trial did not carry the whole load throughout. */
const MIN_WINDOW_OVERLAP = 0.9

/**
 * Load shards: did they measure at the same time? For every trial, the shards' measured windows (startedAt +
 * durationSeconds) should overlap almost entirely; a shard that started late, or trials that drifted apart, mean the
 * server carried only part of the load for part of the time and latencies look better than they are. A note, not an
 * error: the figures are still the exact merge of what was measured.
 */
export function loadWindowNotes(reports: ShardReport[]): string[] {
  if (reports[0]?.split !== 'load') return []
  const notes: string[] = []
  const agreed = reports.filter((report) => report.agreedStartAt !== undefined)
  const without = reports.filter((report) => report.agreedStartAt === undefined)
  if (agreed.length > 0 && without.length > 0) {
    notes.push(
      `Shard${without.length > 1 ? 's' : ''} ${without.map((report) => formatShard(report.shard)).join(', ')} did not wait for the agreed start of the load.`
    )
  }
  const starts = agreed.map((report) => Date.parse(report.agreedStartAt!)).filter(Number.isFinite)
  if (starts.length > 1 && Math.max(...starts) - Math.min(...starts) > 1000) {
    notes.push(`The shards agreed on starts ${formatSeconds(Math.max(...starts) - Math.min(...starts))} apart; they should agree on one.`)
  }
  const poor: Array<{ scenario: string; trial: number; overlap: number; early: ShardSpec; late: ShardSpec; lagMs: number }> = []
  for (const scenario of reports[0]!.results.scenarios) {
    for (let t = 0; t < scenario.trials.length; t++) {
      const windows = reports.map((report) => {
        const trial = report.results.scenarios.find((s) => s.name === scenario.name)?.trials[t]
        const start = trial?.startedAt ? Date.parse(trial.startedAt) : NaN
        return { shard: report.shard, start, end: start + (trial?.durationSeconds ?? NaN) * 1000 }
      })
      if (windows.some((w) => !Number.isFinite(w.start) || !Number.isFinite(w.end))) continue
      const longest = Math.max(...windows.map((w) => w.end - w.start))
      if (!(longest > 0)) continue
      const overlap = Math.max(0, Math.min(...windows.map((w) => w.end)) - Math.max(...windows.map((w) => w.start))) / longest
      if (overlap >= MIN_WINDOW_OVERLAP) continue
      const byStart = [...windows].sort((a, b) => a.start - b.start)
      poor.push({
        scenario: scenario.name,
        trial: t + 1,
        overlap,
        early: byStart[0]!.shard,
        late: byStart[byStart.length - 1]!.shard,
        lagMs: byStart[byStart.length - 1]!.start - byStart[0]!.start
      })
    }
  }
  if (poor.length > 0) {
    const worst = poor.reduce((a, b) => (b.overlap < a.overlap ? b : a))
    const others = poor.length > 1 ? ` and ${poor.length - 1} other trial(s) below ${Math.round(MIN_WINDOW_OVERLAP * 100)}%` : ''
    notes.push(
      `The shards' measured windows overlapped for only ${Math.round(worst.overlap * 100)}% of trial ${worst.trial} of "${worst.scenario}" ` +
        `(shard ${formatShard(worst.late)} started ${formatSeconds(worst.lagMs)} after shard ${formatShard(worst.early)})${others}: ` +
        `for part of the time the server carried less than the configured load, so latencies may look better than they are.`
    )
  }
  return notes
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}

/** OS, architecture and core count must agree; CPU models may differ within a runner pool (a note, not an error). */
function environmentNotes(reports: ShardReport[]): string[] {
  const reference = reports[0]!
  const key = (environment: EnvironmentFingerprint | undefined): string =>
    [environment?.os, environment?.arch, environment?.cores, environment?.runner].map((part) => part ?? '?').join(' · ')
  for (const report of reports) {
    if (key(report.results.environment) !== key(reference.results.environment)) {
      throw new RunError(
        `shard ${formatShard(report.shard)} ran on ${key(report.results.environment)}, shard ${formatShard(reference.shard)} on ` +
          `${key(reference.results.environment)}; shards must run on the same kind of runner (use one runs-on for the matrix)`
      )
    }
  }
  const models = new Set(reports.map((report) => report.results.environment?.cpuModel).filter(Boolean))
  return models.size > 1 ? [`The shards ran on ${models.size} different CPU models (${[...models].join('; ')}); hosted runner pools mix them.`] : []
}

/** Merges a checked shard set into one results document. */
export function mergeShardResults(reports: ShardReport[]): Results {
  const ordered = [...reports].sort((a, b) => a.shard.index - b.shard.index)
  const first = ordered[0]!
  const scenarios = first.split === 'scenarios' ? unionOfScenarios(ordered) : mergeLoadScenarios(ordered)
  const merged: Results = { ...first.results, scenarios, producer: { name: 'perf-gate', format: `aggregate of ${ordered.length} shards` } }
  return merged
}

function unionOfScenarios(reports: ShardReport[]): Scenario[] {
  const origin = new Map<string, ShardSpec>()
  const scenarios: Scenario[] = []
  for (const report of reports) {
    for (const scenario of report.results.scenarios) {
      const other = origin.get(scenario.name)
      if (other)
        throw new RunError(
          `scenario "${scenario.name}" was measured by shard ${formatShard(other)} and shard ${formatShard(report.shard)}; a scenario split gives each scenario to one shard`
        )
      origin.set(scenario.name, report.shard)
      scenarios.push({ ...scenario, labels: { ...scenario.labels, shard: formatShard(report.shard) } })
    }
  }
  return scenarios
}

function mergeLoadScenarios(reports: ShardReport[]): Scenario[] {
  const names = reports[0]!.results.scenarios.map((s) => s.name)
  for (const report of reports) {
    const extra = report.results.scenarios.find((s) => !names.includes(s.name))
    if (extra)
      throw new RunError(
        `shard ${formatShard(report.shard)} measured scenario "${extra.name}", which shard ${formatShard(reports[0]!.shard)} did not; every load shard runs the same scenarios`
      )
  }
  return names.map((name) => mergeLoadScenario(name, reports))
}

function mergeLoadScenario(name: string, reports: ShardReport[]): Scenario {
  const parts = reports.map((report) => {
    const scenario = report.results.scenarios.find((s) => s.name === name)
    if (!scenario)
      throw new RunError(
        `shard ${formatShard(report.shard)} has no scenario "${name}", which shard ${formatShard(reports[0]!.shard)} measured; every load shard runs every scenario`
      )
    return { shard: report.shard, scenario }
  })
  const trials = parts[0]!.scenario.trials.length
  for (const part of parts) {
    if (part.scenario.trials.length !== trials) {
      throw new RunError(
        `shard ${formatShard(part.shard)} has ${part.scenario.trials.length} trial(s) of "${name}", shard ${formatShard(parts[0]!.shard)} ${trials}; load shards run the same trials`
      )
    }
  }
  const merged: Trial[] = Array.from({ length: trials }, (_, t) =>
    mergeTrials(parts.map((part) => ({ trial: part.scenario.trials[t]!, where: `shard ${formatShard(part.shard)} "${name}" trial ${t + 1}` })))
  )
  const { labels, kind } = parts[0]!.scenario
  return { name, ...(kind ? { kind } : {}), ...(labels ? { labels } : {}), trials: merged }
}

/** Combines one trial measured at the same time by several shards. */
function mergeTrials(parts: Array<{ trial: Trial; where: string }>): Trial {
  const distributions: NonNullable<Trial['distributions']> = {}
  const histogramOf = new Map<string, ReturnType<typeof mergeEncodedHistograms>>()
  for (const name of new Set(parts.flatMap((part) => Object.keys(part.trial.distributions ?? {})))) {
    const encoded = parts.map((part) => {
      const distribution = part.trial.distributions?.[name]
      if (!distribution?.hdrHistogram)
        throw new InputError(`${part.where}: distribution "${name}" has no HdrHistogram; load shards can only be merged from histograms`)
      return { base64: distribution.hdrHistogram, where: `${part.where} distribution "${name}"`, unit: distribution.unit }
    })
    const units = new Set(encoded.map((e) => e.unit))
    if (units.size > 1) throw new InputError(`${parts[0]!.where}: distribution "${name}" is in ${[...units].join(' and ')} across shards`)
    const histogram = mergeEncodedHistograms(encoded)
    histogramOf.set(name, histogram)
    distributions[name] = { unit: encoded[0]!.unit, hdrHistogram: encodeHistogram(histogram) }
  }
  const requestWeights = parts.map((part) => requestCount(part.trial))
  const metrics: Record<string, MetricValue> = {}
  for (const name of new Set(parts.flatMap((part) => Object.keys(part.trial.metrics)))) {
    const values = parts.map((part, i) => ({ metric: part.trial.metrics[name], weight: requestWeights[i]!, where: part.where }))
    const present = values.filter((v): v is typeof v & { metric: MetricValue } => v.metric !== undefined)
    if (present.length !== parts.length) throw new RunError(`${values.find((v) => !v.metric)!.where} lacks metric "${name}" that other shards report`)
    metrics[name] = combineMetric(name, present)
  }
  // Latency metrics come from the summed histogram, whatever the shards computed on their own.
  let refreshed = metrics
  for (const [name, histogram] of histogramOf) {
    refreshed = refreshHistogramMetrics(refreshed, histogram, distributions[name]!.unit, (value, from, to) => convertValue(value, from, to))
    histogram.destroy()
  }
  const durations = parts.map((part) => part.trial.durationSeconds).filter((d): d is number => d !== undefined)
  const starts = parts
    .map((part) => part.trial.startedAt)
    .filter((s): s is string => s !== undefined)
    .sort()
  return {
    metrics: refreshed,
    ...(Object.keys(distributions).length > 0 ? { distributions } : {}),
    ...(starts.length > 0 ? { startedAt: starts[0]! } : {}),
    ...(durations.length > 0 ? { durationSeconds: Math.max(...durations) } : {})
  }
}

/** Requests a shard's trial completed, for weighting ratios (1 each when the trial does not say). */
function requestCount(trial: Trial): number {
  const requests = trial.metrics.requests ?? trial.metrics['requests.total']
  return requests && requests.value > 0 ? requests.value : 1
}

/**
 * Rates and counts add up across shards that ran at the same time; ratios (error %) are weighted by requests;
 * anything else (peak memory, a time without a histogram) takes the worst shard, so a merge never hides one.
 */
function combineMetric(name: string, values: Array<{ metric: MetricValue; weight: number; where: string }>): MetricValue {
  const first = values[0]!.metric
  const converted = values.map(({ metric, where }) => {
    const value = convertValue(metric.value, metric.unit, first.unit)
    if (value === undefined) throw new InputError(`${where}: metric "${name}" is in ${metric.unit}, other shards use ${first.unit}`)
    return value
  })
  const family = unitFamily(first.unit)
  let value: number
  if (family === 'rate' || family === 'count') value = converted.reduce((sum, v) => sum + v, 0)
  else if (family === 'ratio') {
    const weight = values.reduce((sum, v) => sum + v.weight, 0)
    value = converted.reduce((sum, v, i) => sum + v * values[i]!.weight, 0) / weight
  } else value = first.direction === 'lower' ? Math.max(...converted) : Math.min(...converted)
  return { ...first, value }
}
