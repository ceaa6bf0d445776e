/**
 * What every foreign-format parser shares: metric values with canonical units and directions, scenarios gathered
 * by name in first-seen order (repeats of one name become its trials), and summaries of raw samples.
 */
import { max, mean, min, quantileSorted, sampleStandardDeviation } from 'simple-statistics'
import { InputError } from '../errors.js'
import {
  RESULTS_SCHEMA_VERSION,
  type Direction,
  type EnvironmentFingerprint,
  type MetricValue,
  type Results,
  type Scenario,
  type Trial
} from '../results/model.js'
import { canonicalUnit, inferDirection } from '../results/units.js'

/** A metric value with its unit spelled canonically (`us` → `µs`) and its direction inferred unless given. */
export function metricValue(value: number, unit: string, direction?: Direction): MetricValue {
  const canonical = canonicalUnit(unit)
  return { value, unit: canonical, direction: direction ?? inferDirection(canonical) }
}

/** Metric name for a percentile: 50 → "p50", 99.9 → "p99.9", 99.99 → "p99.99". */
export function percentileMetricName(percent: number): string {
  return `p${Number(percent.toFixed(6))}`
}

/**
 * Collects scenarios by name in first-seen order; each added trial is appended to its scenario. addTrial pools
 * repeats of a name (a benchmark's lines of `go test -count 5`, runs appended to one file); addBenchmark is for
 * formats where one record is one whole benchmark, and refuses a second record of a name.
 */
export class ScenarioCollector {
  private readonly byName = new Map<string, Scenario>()
  /** Where in the file each name's whole-benchmark record was read, for addBenchmark's refusal. */
  private readonly recordedAt = new Map<string, string>()

  /** Appends a trial to the scenario `name`, creating it with `kind` and `labels` the first time. */
  addTrial(name: string, trial: Trial, options: { kind?: Scenario['kind']; labels?: Record<string, string> } = {}): void {
    if (Object.keys(trial.metrics).length === 0) return
    let scenario = this.byName.get(name)
    if (!scenario) {
      scenario = { name, ...(options.kind ? { kind: options.kind } : {}), trials: [] }
      if (options.labels && Object.keys(options.labels).length > 0) scenario.labels = { ...options.labels }
      this.byName.set(name, scenario)
    }
    scenario.trials.push(trial)
  }

  /**
   * Adds one whole benchmark's trials, read from `source` at `at` (a JSON pointer, or `line N`). A second record with
   * the same name is a different benchmark, not more trials: pooled, its values would widen the spread until a real
   * regression of either reads as noise. It is refused (exit 3), as perf-gate's own format refuses duplicate names.
   */
  addBenchmark(
    name: string,
    trials: readonly Trial[],
    where: { source: string; at: string },
    options: { kind?: Scenario['kind']; labels?: Record<string, string> } = {}
  ): void {
    const first = this.recordedAt.get(name)
    if (first !== undefined) {
      const what = options.kind === 'load' ? 'scenario' : 'benchmark'
      throw new InputError(
        `${where.source}: ${where.at}: a second ${what} named "${name}" (the first is at ${first}); perf-gate matches ${what}s by name, so the two would be pooled as one: give them different names`
      )
    }
    this.recordedAt.set(name, where.at)
    for (const trial of trials) this.addTrial(name, trial, options)
  }

  get size(): number {
    return this.byName.size
  }

  scenarios(): Scenario[] {
    return [...this.byName.values()]
  }
}

/** Wraps scenarios into a results document; throws when the input held no benchmark at all. */
export function buildResults(
  format: string,
  scenarios: Scenario[],
  source: string,
  extra: Pick<Results, 'environment' | 'createdAt'> & { producerVersion?: string; nothingFound?: string } = {}
): Results {
  if (scenarios.length === 0) {
    throw new InputError(`${source}: ${extra.nothingFound ?? `no benchmarks found in this ${format} output`}`)
  }
  const environment = extra.environment && Object.keys(extra.environment).length > 0 ? normalizeEnvironment(extra.environment) : undefined
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    producer: { name: format, format, ...(extra.producerVersion ? { version: extra.producerVersion } : {}) },
    ...(extra.createdAt ? { createdAt: extra.createdAt } : {}),
    ...(environment ? { environment } : {}),
    scenarios
  }
}

/** Spellings of one OS or architecture across tools, as Node names them (`Linux` → `linux`, `x86_64` → `x64`). */
const OS_NAMES: Record<string, string> = { windows: 'win32', macos: 'darwin', osx: 'darwin', 'mac os x': 'darwin' }
const ARCH_NAMES: Record<string, string> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64', i386: 'ia32', i686: 'ia32', x86: 'ia32' }

/** The environment with OS and architecture spelled as perf-gate's own runs spell them, so tools compare. */
export function normalizeEnvironment(environment: EnvironmentFingerprint): EnvironmentFingerprint {
  const normalized = { ...environment }
  if (normalized.os) {
    const os = normalized.os.trim().toLowerCase()
    normalized.os = OS_NAMES[os] ?? os
  }
  if (normalized.arch) {
    const arch = normalized.arch.trim().toLowerCase()
    normalized.arch = ARCH_NAMES[arch] ?? arch
  }
  return normalized
}

/** The percentiles reported when a parser summarises raw samples itself. */
const SUMMARY_PERCENTILES = [50, 90, 95, 99, 99.9] as const

/** mean, stdev, min, max and p50…p99.9 of raw samples, all in `unit`. */
export function summarizeSamples(samples: readonly number[], unit: string): Record<string, MetricValue> {
  const sorted = [...samples].sort((a, b) => a - b)
  const metrics: Record<string, MetricValue> = {
    mean: metricValue(mean(sorted), unit),
    min: metricValue(min(sorted), unit),
    max: metricValue(max(sorted), unit)
  }
  if (sorted.length > 1) metrics.stdev = metricValue(sampleStandardDeviation(sorted), unit)
  for (const percent of SUMMARY_PERCENTILES) {
    metrics[percentileMetricName(percent)] = metricValue(quantileSorted(sorted, percent / 100), unit)
  }
  return metrics
}

/** Converts an ISO-like timestamp to RFC 3339 date-time, or undefined when it is not one. */
export function isoTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** A load scenario's name from its URL: the path and query, stable when only the host or port changes between runs. */
export function urlScenarioName(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.pathname}${parsed.search}`
  } catch {
    return url
  }
}
