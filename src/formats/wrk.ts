/**
 * wrk and wrk2 text reports. Several reports in one file (runs appended) become trials of the scenario named
 * by the URL's path. Latency uses wrk's own units (us, ms, s); `--latency` adds p50/p75/p90/p99, and wrk2's
 * HdrHistogram spectrum adds p95 and the high percentiles. Transfer/sec is converted to B/s (wrk's KB are KiB).
 */
import { InputError } from '../errors.js'
import type { MetricValue, Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { buildResults, metricValue, percentileMetricName, ScenarioCollector, urlScenarioName } from './results-builder.js'
import { lineError, numberedLines, type TextLine } from './text-lines.js'

const RUNNING_LINE = /^Running\s+(\S+)\s+test\s+@\s+(\S+)/
const BINARY_FACTORS: Record<string, number> = { '': 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }

export const wrkFormat: ResultsFormat = {
  name: 'wrk',
  description: 'wrk or wrk2 text output (--latency; several runs in one file become trials)',
  detect(text) {
    return /^\s*Running\s+\S+\s+test\s+@\s+\S+/m.test(text) && /threads and \d+ connections/.test(text) && /^\s*Requests\/sec:/m.test(text)
  },
  resembles(text) {
    return /^\s*Running\s+\S+\s+test\s+@\s+\S+/m.test(text)
  },
  parse(text, source) {
    const lines = numberedLines(text)
    const starts = lines.filter((line) => RUNNING_LINE.test(line.text.trim()))
    const collector = new ScenarioCollector()
    starts.forEach((start, index) => {
      const end = starts[index + 1]?.number ?? lines.length + 1
      const url = RUNNING_LINE.exec(start.text.trim())![2]!
      // The last report of a file without a final line break was cut mid-line.
      const lastLineComplete = index < starts.length - 1 || /\n\s*$/.test(text)
      collector.addTrial(urlScenarioName(url), reportTrial(lines.slice(start.number, end - 1), start, source, lastLineComplete), {
        kind: 'load',
        labels: { url }
      })
    })
    return buildResults('wrk', collector.scenarios(), source, { nothingFound: 'no wrk report found (expected "Running 30s test @ URL")' })
  }
}

/** "635.91us" → value and unit; wrk prints us, ms, s, m and h. */
function duration(text: string, line: TextLine, source: string): MetricValue {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text)
  if (!match) throw lineError(source, line, `a duration like "635.91us" or "1.20ms" where ${JSON.stringify(text)} stands`)
  const value = Number(match[1])
  if (match[2] === 'm') return metricValue(value, 'min')
  if (match[2] === 'h') return metricValue(value * 3600, 's')
  return metricValue(value, match[2]!)
}

function reportTrial(lines: TextLine[], start: TextLine, source: string, lastLineComplete: boolean): Trial {
  const metrics: Record<string, MetricValue> = {}
  let durationSeconds: number | undefined
  let requests: number | undefined
  let failed = 0
  let spectrum: Array<{ value: number; fraction: number }> | undefined
  let uncorrected = false
  // "Transfer/sec" is the last line wrk prints (Lua done() output may follow it); some wrk versions end at
  // "Requests/sec", which then must be a complete line. Anything else is a report cut off.
  let ended = false
  for (const line of lines) {
    const trimmed = line.text.trim()
    // wrk2 -U also prints the uncorrected spectrum; only the corrected (recorded) latency counts.
    if (/^(Latency Distribution|Detailed Percentile spectrum)/.test(trimmed) || /^Uncorrected Latency/i.test(trimmed)) {
      uncorrected = /Uncorrected/i.test(trimmed)
    }
    if (uncorrected) continue
    if (trimmed.startsWith('Latency ') && !trimmed.startsWith('Latency Distribution')) {
      const columns = trimmed.split(/\s+/)
      if (columns.length < 4) throw lineError(source, line, '"Latency  <avg>  <stdev>  <max>  <+/- stdev>"')
      metrics.mean = duration(columns[1]!, line, source)
      metrics.stdev = duration(columns[2]!, line, source)
      metrics.max = duration(columns[3]!, line, source)
      continue
    }
    const percentile = /^(\d+(?:\.\d+)?)%\s+(\S+)$/.exec(trimmed)
    if (percentile) {
      const percent = Number(percentile[1])
      if (percent < 100) metrics[percentileMetricName(percent)] = duration(percentile[2]!, line, source)
      continue
    }
    if (/^Detailed Percentile spectrum/.test(trimmed)) {
      spectrum = []
      continue
    }
    const spectrumRow = /^(\d+(?:\.\d+)?)\s+(\d(?:\.\d+)?)\s+\d+\s+(?:[\d.]+|inf)$/.exec(trimmed)
    if (spectrum && spectrumRow) {
      spectrum.push({ value: Number(spectrumRow[1]), fraction: Number(spectrumRow[2]) })
      continue
    }
    const total = /^(\d+)\s+requests in\s+(\S+),/.exec(trimmed)
    if (total) {
      requests = Number(total[1])
      const elapsed = duration(total[2]!, line, source)
      durationSeconds = elapsed.unit === 'min' ? elapsed.value * 60 : elapsed.unit === 's' ? elapsed.value : elapsed.value / (elapsed.unit === 'ms' ? 1e3 : 1e6)
      continue
    }
    const socketErrors = /^Socket errors:\s*connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(trimmed)
    if (socketErrors) {
      failed += socketErrors.slice(1, 5).reduce((sum, count) => sum + Number(count), 0)
      continue
    }
    const non2xx = /^Non-2xx or 3xx responses:\s*(\d+)/.exec(trimmed)
    if (non2xx) {
      failed += Number(non2xx[1])
      continue
    }
    const rps = /^Requests\/sec:\s*(\S+)$/.exec(trimmed)
    if (rps) {
      const value = Number(rps[1])
      if (!Number.isFinite(value)) throw lineError(source, line, '"Requests/sec: <number>"')
      metrics.rps = metricValue(value, 'req/s')
      if (line.number < lines[lines.length - 1]!.number || lastLineComplete) ended = true
      continue
    }
    const transfer = /^Transfer\/sec:\s*(\d+(?:\.\d+)?)(B|KB|MB|GB|TB)?$/.exec(trimmed)
    if (transfer) {
      metrics.throughput = metricValue(Number(transfer[1]) * BINARY_FACTORS[transfer[2] ?? '']!, 'B/s')
      ended = line.number < lines[lines.length - 1]!.number || lastLineComplete
    } else if (/^Transfer\/sec:/.test(trimmed)) throw lineError(source, line, '"Transfer/sec: <number>[KB|MB|GB]"')
  }
  // wrk2's spectrum (in ms) gives the p95 its summary lacks.
  if (spectrum && spectrum.length > 0 && metrics.p95 === undefined) {
    const row = spectrum.find((entry) => entry.fraction >= 0.95)
    if (row) metrics.p95 = metricValue(row.value, 'ms')
  }
  if (metrics.rps === undefined || requests === undefined) {
    throw new InputError(
      `${source}:${start.number}: the wrk report is incomplete: expected "N requests in T" and "Requests/sec: N" after "${start.text.trim()}"`
    )
  }
  if (!ended) {
    throw new InputError(
      `${source}:${start.number}: the wrk report that starts here ends before its complete "Requests/sec:" and "Transfer/sec:" lines; the file looks truncated`
    )
  }
  if (requests > 0 || failed > 0) metrics.errors = metricValue((100 * failed) / Math.max(requests, failed), '%')
  return { metrics, ...(durationSeconds !== undefined ? { durationSeconds } : {}) }
}
