/**
 * The list of results formats. `format: auto` picks the single format whose detect() accepts the text;
 * none or several is an error that lists the choices.
 */
import { closestName } from '../closest-name.js'
import { InputError } from '../errors.js'
import { normalizeResults } from '../results/normalize.js'
import type { Results } from '../results/model.js'
import { firstValueProblem } from '../results/value-check.js'
import type { ParseContext, ResultsFormat } from './format.js'
import { artilleryFormat } from './artillery.js'
import { autocannonFormat } from './autocannon.js'
import { benchmarkJsFormat } from './benchmarkjs.js'
import { criterionFormat } from './criterion.js'
import { goBenchFormat } from './go-bench.js'
import { googleBenchmarkFormat } from './google-benchmark.js'
import { heyFormat } from './hey.js'
import { hyperfineFormat } from './hyperfine.js'
import { jmhFormat } from './jmh.js'
import { k6Format } from './k6.js'
import { locustFormat } from './locust.js'
import { perfGateFormat } from './perf-gate.js'
import { pytestBenchmarkFormat } from './pytest-benchmark.js'
import { tinybenchFormat } from './tinybench.js'
import { wrkFormat } from './wrk.js'
import { vitestBenchFormat } from './vitest-bench.js'
import { mitataFormat } from './mitata.js'
import { bencherMetricFormat } from './bencher-metric-format.js'
import { catch2Format } from './catch2.js'
import { denoBenchFormat } from './deno-bench.js'
import { libtestBenchFormat } from './libtest-bench.js'
import { customBiggerIsBetterFormat, customSmallerIsBetterFormat } from './github-action-benchmark.js'
import { benchmarkDotNetFormat } from './benchmarkdotnet.js'
import { juliaBenchmarkToolsFormat } from './julia-benchmarktools.js'
import { asvFormat } from './asv.js'

export const RESULTS_FORMATS: readonly ResultsFormat[] = [
  perfGateFormat,
  autocannonFormat,
  k6Format,
  locustFormat,
  heyFormat,
  wrkFormat,
  artilleryFormat,
  hyperfineFormat,
  pytestBenchmarkFormat,
  goBenchFormat,
  googleBenchmarkFormat,
  criterionFormat,
  jmhFormat,
  benchmarkJsFormat,
  tinybenchFormat,
  vitestBenchFormat,
  mitataFormat,
  denoBenchFormat,
  bencherMetricFormat,
  catch2Format,
  libtestBenchFormat,
  benchmarkDotNetFormat,
  juliaBenchmarkToolsFormat,
  asvFormat,
  customSmallerIsBetterFormat,
  customBiggerIsBetterFormat
]

export function formatNames(): string[] {
  return RESULTS_FORMATS.map((format) => format.name)
}

/**
 * github-action-benchmark's `tool:` names for the formats perf-gate reads too, so that a migrating workflow keeps its
 * value (its cargo tool reads `cargo bench` output, libtest's lines).
 */
export const GITHUB_ACTION_BENCHMARK_TOOLS: Readonly<Record<string, string>> = {
  customSmallerIsBetter: 'custom-smaller-is-better',
  customBiggerIsBetter: 'custom-bigger-is-better',
  pytest: 'pytest-benchmark',
  googlecpp: 'google-benchmark',
  cargo: 'libtest'
}

/**
 * The format a user named, checked where it was written (`where`: the config field or the input) before anything
 * runs: a format name, `auto`, or one of github-action-benchmark's tool names (answered as perf-gate's name). An
 * unknown name is an InputError with the nearest known one.
 */
export function resultsFormatName(written: string, where: string): string {
  const name = written.trim()
  if (name === 'auto' || formatNames().includes(name)) return name
  const alias = GITHUB_ACTION_BENCHMARK_TOOLS[name]
  if (alias) return alias
  const near = closestName(name, ['auto', ...formatNames(), ...Object.keys(GITHUB_ACTION_BENCHMARK_TOOLS)])
  const suggestion = near ? ` (did you mean "${GITHUB_ACTION_BENCHMARK_TOOLS[near] ?? near}"?)` : ''
  throw new InputError(`${where}: unknown results format "${name}"${suggestion}; known formats: auto, ${formatNames().join(', ')}`)
}

/**
 * Parses results text in a named format (or 'auto'), checks every value is a measurement (finite, in range, no
 * negative time), then normalises directions and units. `context.suite` names the suite whose output this is: formats
 * whose output names no target (hey) name their scenario after it.
 */
export function parseResultsText(text: string, format: string, source: string, context: ParseContext = {}): Results {
  binaryCheck(text, source)
  const parser = format === 'auto' ? detectFormat(text, source) : RESULTS_FORMATS.find((f) => f.name === resultsFormatName(format, 'format'))!
  const results = parser.parse(text, source, context)
  if (results.scenarios.length === 0) throw new InputError(`${source}: no benchmarks or scenarios found`)
  checkValues(results, source)
  return normalizeResults(results, parser.name)
}

/** Rejects non-finite, out-of-range and negative-time values, naming scenario, trial and metric (exit 3). */
function checkValues(results: Results, source: string): void {
  const problem = firstValueProblem(results)
  if (problem) throw new InputError(`${source}: ${problem}`)
}

function detectFormat(text: string, source: string): ResultsFormat {
  if (text.trim() === '') throw new InputError(`${source}: the results are empty`)
  const candidates = RESULTS_FORMATS.filter((format) => {
    try {
      return format.detect(text, source)
    } catch {
      return false
    }
  })
  if (candidates.length === 1) return candidates[0]!
  if (candidates.length === 0) {
    throw new InputError(
      `${source}: cannot tell which format these results are in; set format to one of: ${formatNames().join(', ')}${nearMisses(text, source)}`
    )
  }
  throw new InputError(`${source}: the results could be ${candidates.map((c) => c.name).join(' or ')}; set format explicitly`)
}

/** For formats the text resembles without being accepted: why each refused it (a truncated k6 or wrk file…). */
function nearMisses(text: string, source: string): string {
  const reasons: string[] = []
  for (const format of RESULTS_FORMATS) {
    let close: boolean
    try {
      close = format.resembles?.(text) ?? false
    } catch {
      close = false
    }
    if (!close) continue
    try {
      format.parse(text, source)
      reasons.push(`${format.name} reads it (set format: ${format.name})`)
    } catch (error) {
      reasons.push(`${format.name} came close but refused it: ${(error as Error).message.replace(`${source}`, '').replace(/^[:\s]+/, '')}`)
    }
  }
  return reasons.length > 0 ? `. ${reasons.join('; ')}` : ''
}

/** Text with NUL or many replacement characters is not a results report: say so with a short escaped prefix. */
function binaryCheck(text: string, source: string): void {
  const head = text.slice(0, 4096)
  const replacements = (head.match(/\uFFFD/g) ?? []).length
  if (!head.includes('\u0000') && replacements <= Math.max(2, head.length / 100)) return
  throw new InputError(`${source}: looks like binary data, not a results report (it starts with "${escapedPrefix(text)}")`)
}

/** The first 32 characters with control and non-ASCII characters escaped. */
export function escapedPrefix(text: string): string {
  const chars = [...text.slice(0, 32)]
  const escaped = chars
    .map((char) => {
      const code = char.codePointAt(0)!
      if (code >= 0x20 && code < 0x7f && char !== '"' && char !== '\\') return char
      if (char === '\n') return '\\n'
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
    })
    .join('')
  return text.length > 32 ? `${escaped}…` : escaped
}
