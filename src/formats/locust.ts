/**
 * Locust `--csv` statistics (`<prefix>_stats.csv`): one scenario per request row ("GET /users") plus
 * "Aggregated". Response times are in ms; Locust rounds percentiles to about two significant digits.
 */
import { InputError } from '../errors.js'
import type { MetricValue } from '../results/model.js'
import { parseCsv, type CsvRecord } from './csv.js'
import type { ResultsFormat } from './format.js'
import { buildResults, metricValue, percentileMetricName, ScenarioCollector } from './results-builder.js'

/** Column names, lower-cased, in Locust ≥ 1.0 and the older spellings. */
const COLUMNS = {
  type: ['type', 'method'],
  name: ['name'],
  requests: ['request count', '# requests'],
  failures: ['failure count', '# failures'],
  mean: ['average response time'],
  min: ['min response time'],
  max: ['max response time'],
  rps: ['requests/s']
} as const

export const locustFormat: ResultsFormat = {
  name: 'locust',
  description: 'Locust --csv statistics (<prefix>_stats.csv)',
  detect(text) {
    // The history file is recognised too, so that its parse error can point at the right file.
    return /^\uFEFF?"?(Type|Method)"?,"?Name"?,"?(Request Count|# requests)"?,/.test(text) || /^\uFEFF?Timestamp,User Count,Type,Name,/.test(text)
  },
  parse(text, source) {
    const records = parseCsv(text.replace(/^\uFEFF/, ''), source)
    const header = records[0]
    if (!header) throw new InputError(`${source}: the file is empty; expected Locust's _stats.csv`)
    const columns = header.fields.map((field) => field.trim().toLowerCase())
    if (columns[0] === 'timestamp') {
      throw new InputError(`${source}: this is Locust's _stats_history.csv (a time series); give the _stats.csv file written next to it`)
    }
    const column = (names: readonly string[], required: boolean): number | undefined => {
      const index = columns.findIndex((name) => names.includes(name))
      if (index < 0 && required) {
        throw new InputError(
          `${source}:${header.line}: expected a "${names[0]}" column in the Locust stats header, got ${JSON.stringify(header.fields.join(','))}`
        )
      }
      return index < 0 ? undefined : index
    }
    const at = {
      type: column(COLUMNS.type, false),
      name: column(COLUMNS.name, true)!,
      requests: column(COLUMNS.requests, true)!,
      failures: column(COLUMNS.failures, false),
      mean: column(COLUMNS.mean, true)!,
      min: column(COLUMNS.min, false),
      max: column(COLUMNS.max, false),
      rps: column(COLUMNS.rps, false)
    }
    // Percentile columns: "50%", "99.9%"; 100% is the max, which Locust also gives exactly.
    const percentiles = columns.flatMap((name, index) => {
      const match = /^(\d+(?:\.\d+)?)%$/.exec(name)
      return match && Number(match[1]) < 100 ? [{ index, percent: Number(match[1]) }] : []
    })
    const collector = new ScenarioCollector()
    const rows = records.slice(1)
    for (const record of rows) {
      if (record.fields.length !== columns.length) {
        throw new InputError(`${source}:${record.line}: expected ${columns.length} fields as in the header, got ${record.fields.length}`)
      }
      const cell = (index: number | undefined, what: string): number | undefined => readCell(record, index, what, source)
      const requests = cell(at.requests, 'a request count')!
      if (requests === 0) continue
      const type = at.type === undefined ? '' : record.fields[at.type]!.trim()
      const rowName = record.fields[at.name]!.trim()
      const name = type ? `${type} ${rowName}` : rowName
      const metrics: Record<string, MetricValue> = {}
      for (const { index, percent } of percentiles) {
        const value = cell(index, `a response time in ms for ${columns[index]}`)
        if (value !== undefined) metrics[percentileMetricName(percent)] = metricValue(value, 'ms')
      }
      for (const [key, index] of [
        ['mean', at.mean],
        ['min', at.min],
        ['max', at.max]
      ] as const) {
        const value = cell(index, `a response time in ms`)
        if (value !== undefined) metrics[key] = metricValue(value, 'ms')
      }
      const rps = cell(at.rps, 'requests per second')
      if (rps !== undefined) metrics.rps = metricValue(rps, 'req/s')
      const failures = cell(at.failures, 'a failure count')
      if (failures !== undefined) metrics.errors = metricValue((100 * failures) / requests, '%')
      collector.addBenchmark(name, [{ metrics }], { source, at: `line ${record.line}` }, { kind: 'load', ...(type ? { labels: { type } } : {}) })
    }
    // Locust writes the "Aggregated" row (before 1.0: "Total") last, whatever was measured: without it the file was
    // cut at a line end, and the rows after the cut would be lost unseen.
    const last = rows.at(-1)
    if (!last || !/^(Aggregated|Total)$/.test(last.fields[at.name]!.trim())) {
      throw new InputError(`${source}:${last?.line ?? header.line}: the last row is not Locust's "Aggregated" row; the file looks truncated`)
    }
    return buildResults('locust', collector.scenarios(), source, { nothingFound: 'no request rows with requests in this Locust stats file' })
  }
}

function readCell(record: CsvRecord, index: number | undefined, what: string, source: string): number | undefined {
  if (index === undefined) return undefined
  const text = record.fields[index]!.trim()
  if (text === '' || text === 'N/A') return undefined
  const value = Number(text)
  if (!Number.isFinite(value)) {
    throw new InputError(`${source}:${record.line}: field ${index + 1}: expected ${what}, got ${JSON.stringify(text)}`)
  }
  return value
}
