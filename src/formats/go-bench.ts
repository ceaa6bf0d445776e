/**
 * `go test -bench` text (and `go test -json -bench`, whose Output fields carry the same text).
 * Each result line is one trial, so `-count N` gives N trials; `-benchmem`, `b.SetBytes` and `b.ReportMetric`
 * add metrics to the line. The line format is golang.org/design/14313-benchmark-format.
 */
import { RunError } from '../errors.js'
import type { EnvironmentFingerprint, MetricValue } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'
import { lineError, numberedLines, quoteLine, type TextLine } from './text-lines.js'

const RESULT_LINE = /^(Benchmark\S*)\s+(\d+)\s+(\S.*)$/
const NAME_ONLY_LINE = /^Benchmark\S*\s*$/
const EXPECTED_LINE = '"BenchmarkName-8  N  X ns/op [Y unit ...]"'

/** Well-known go units get perf-gate's metric names; custom metrics keep their unit as name and unit. */
const GO_UNITS: Record<string, { name: string; unit: string }> = {
  'ns/op': { name: 'time', unit: 'ns' },
  'B/op': { name: 'bytes', unit: 'B' },
  'allocs/op': { name: 'allocs', unit: 'allocs/op' },
  'MB/s': { name: 'throughput', unit: 'MB/s' }
}

interface GoResultLine {
  /** The name as printed, with its -N suffix. */
  fullName: string
  /** The name without its -N suffix. */
  name: string
  procs?: string
  pkg?: string
  metrics: Record<string, MetricValue>
}

export const goBenchFormat: ResultsFormat = {
  name: 'go',
  description: '`go test -bench` output, text or -json (-count repeats become trials; -benchmem and custom metrics)',
  detect(text) {
    if (isGoTestJson(text)) return /"Output":"Benchmark[^"]*ns\/op/.test(text)
    return /^Benchmark\S*\s+\d+\s+[\d.]+(e[-+]?\d+)? ns\/op/m.test(text)
  },
  parse(text, source) {
    const plain = isGoTestJson(text) ? goTestJsonOutput(text, source) : text
    const environment: EnvironmentFingerprint = {}
    const results: GoResultLine[] = []
    let pkg: string | undefined
    for (const line of numberedLines(plain)) {
      const trimmed = line.text.trim()
      const header = /^(goos|goarch|pkg|cpu):\s*(.*)$/.exec(trimmed)
      if (header) {
        const [, key, value] = header
        if (key === 'goos') environment.os = value
        else if (key === 'goarch') environment.arch = value
        else if (key === 'cpu') environment.cpuModel = value
        else pkg = value
        continue
      }
      if (/^--- FAIL: Benchmark/.test(trimmed) || /^FAIL\s/.test(trimmed) || /^panic: /.test(trimmed)) {
        throw new RunError(`${source}:${line.number}: go test reported a failure: ${quoteLine(trimmed)}`)
      }
      if (!trimmed.startsWith('Benchmark') || NAME_ONLY_LINE.test(trimmed)) continue
      results.push({ ...parseResultLine(line, trimmed, source), ...(pkg ? { pkg } : {}) })
    }
    // With several packages in one file, the same benchmark name may appear in each: qualify names by package.
    const packages = new Set(results.map((result) => result.pkg))
    const qualified = (result: GoResultLine, name: string): string => (packages.size > 1 && result.pkg ? `${result.pkg}.${name}` : name)
    // Lines of one name are its -count repeats, so the -N suffix is stripped for names to match across machines
    // (BenchmarkSort-4 here, BenchmarkSort-2 there). Lines that differ in it are different benchmarks: -cpu 1,2,4
    // prints BenchmarkSort, BenchmarkSort-2 and BenchmarkSort-4; with GOMAXPROCS=1 no suffix is printed and
    // BenchmarkSort/size-1024 and BenchmarkSort/size-65536 end in a size. Those keep their names whole.
    const printedNames = new Map<string, Set<string>>()
    for (const result of results) {
      const stripped = qualified(result, result.name)
      printedNames.set(stripped, (printedNames.get(stripped) ?? new Set()).add(result.fullName))
    }
    const collector = new ScenarioCollector()
    for (const result of results) {
      const keepSuffix = printedNames.get(qualified(result, result.name))!.size > 1
      const name = qualified(result, keepSuffix ? result.fullName : result.name)
      const labels: Record<string, string> = {}
      if (result.pkg) labels.pkg = result.pkg
      if (result.procs && !keepSuffix) labels.procs = result.procs
      collector.addTrial(name, { metrics: result.metrics }, { kind: 'benchmark', labels })
    }
    return buildResults('go', collector.scenarios(), source, {
      environment,
      nothingFound: 'no benchmark result lines found (expected lines like "BenchmarkName-8  1000  123 ns/op"); was -bench given?'
    })
  }
}

function parseResultLine(line: TextLine, trimmed: string, source: string): Omit<GoResultLine, 'pkg'> {
  const match = RESULT_LINE.exec(trimmed)
  if (!match) throw lineError(source, line, EXPECTED_LINE)
  const [, fullName, , rest] = match
  // The -N suffix is GOMAXPROCS; benchstat strips it too, so names match across machines.
  const procsMatch = /^(.*\S)-(\d+)$/.exec(fullName!)
  const name = procsMatch ? procsMatch[1]! : fullName!
  const tokens = rest!.trim().split(/\s+/)
  if (tokens.length % 2 !== 0) throw lineError(source, line, `${EXPECTED_LINE} (value and unit pairs)`)
  const metrics: Record<string, MetricValue> = {}
  for (let i = 0; i < tokens.length; i += 2) {
    const value = Number(tokens[i])
    const unit = tokens[i + 1]!
    if (!Number.isFinite(value) || /^[-+\d.]/.test(unit)) {
      throw lineError(source, line, `${EXPECTED_LINE}; "${tokens[i]} ${unit}" is not a number and a unit`)
    }
    const known = GO_UNITS[unit]
    metrics[known?.name ?? unit] = metricValue(value, known?.unit ?? unit)
  }
  return { fullName: fullName!, name, ...(procsMatch ? { procs: procsMatch[2]! } : {}), metrics }
}

function isGoTestJson(text: string): boolean {
  return /^\s*\{"Time":"[^"]*","Action":"/.test(text) || /^\s*\{"Action":"/.test(text)
}

/** Concatenates the Output fields of `go test -json` events: a result line may be split across events. */
function goTestJsonOutput(text: string, source: string): string {
  let output = ''
  for (const line of numberedLines(text)) {
    if (line.text.trim() === '') continue
    let event: unknown
    try {
      event = JSON.parse(line.text)
    } catch {
      throw lineError(source, line, 'a `go test -json` event (one JSON object per line)')
    }
    const field = (event as { Output?: unknown }).Output
    if (typeof field === 'string') output += field
  }
  return output
}
