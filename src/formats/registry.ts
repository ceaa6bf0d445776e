/**
 * The list of results formats. `format: auto` picks the single format whose detect() accepts the text;
 * none or several is an error that lists the choices.
 */
import { InputError } from '../errors.js'
import { normalizeResults } from '../results/normalize.js'
import type { Results } from '../results/model.js'
import type { ResultsFormat } from './format.js'
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
  tinybenchFormat
]

export function formatNames(): string[] {
  return RESULTS_FORMATS.map((format) => format.name)
}

/** Parses results text in a named format (or 'auto'), then normalises directions and units. */
export function parseResultsText(text: string, format: string, source: string): Results {
  const parser = format === 'auto' ? detectFormat(text, source) : RESULTS_FORMATS.find((f) => f.name === format)
  if (!parser) {
    throw new InputError(`unknown results format "${format}"; known formats: auto, ${formatNames().join(', ')}`)
  }
  const results = parser.parse(text, source)
  if (results.scenarios.length === 0) throw new InputError(`${source}: no benchmarks or scenarios found`)
  return normalizeResults(results, parser.name)
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
      `${source}: cannot tell which format these results are in; set format to one of: ${formatNames().join(', ')}`
    )
  }
  throw new InputError(
    `${source}: the results could be ${candidates.map((c) => c.name).join(' or ')}; set format explicitly`
  )
}
