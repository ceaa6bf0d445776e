/**
 * benchmark.js `String(bench)` lines, as printed by the usual `on('cycle')` handler:
 * `name x 1,431,759 ops/sec ±0.74% (93 runs sampled)`. Other lines are ignored. One trial per benchmark: `ops`.
 */
import type { ResultsFormat } from './format.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'
import { lineError, numberedLines } from './text-lines.js'

const RESULT_LINE = /^(.+?) x ([\d,]+(?:\.\d+)?) ops\/sec (?:±|\+-)(\d+(?:\.\d+)?)% \((\d+) runs? sampled\)$/

export const benchmarkJsFormat: ResultsFormat = {
  name: 'benchmarkjs',
  description: 'benchmark.js cycle lines ("name x 1,234 ops/sec ±0.5% (90 runs sampled)")',
  detect(text) {
    return /^.+ x [\d,]+(\.\d+)? ops\/sec (±|\+-)[\d.]+% \(\d+ runs? sampled\)\s*$/m.test(text)
  },
  parse(text, source) {
    const collector = new ScenarioCollector()
    const lines = numberedLines(text)
    // The last line written may have been cut mid-number ("String#indexOf x 1,1"): that is a truncated file.
    const last = [...lines].reverse().find((line) => line.text.trim() !== '')
    if (last && !RESULT_LINE.test(last.text.trim()) && /^.+ x \d[\d,.]*/.test(last.text.trim())) {
      throw lineError(source, last, '"name x 1,234 ops/sec ±0.5% (90 runs sampled)"; the file looks truncated')
    }
    for (const line of lines) {
      const trimmed = line.text.trim()
      const match = RESULT_LINE.exec(trimmed)
      if (!match) {
        // A line that starts like a result but is cut short is an error, not noise.
        if (/ x [\d,.]+ ops\/sec/.test(trimmed)) throw lineError(source, line, '"name x 1,234 ops/sec ±0.5% (90 runs sampled)"')
        continue
      }
      // The relative margin of error (±x%) describes noise, not speed: it is not a metric to gate on.
      const [, name, hz] = match
      collector.addTrial(name!, { metrics: { ops: metricValue(Number(hz!.replace(/,/g, '')), 'ops/s') } }, { kind: 'benchmark' })
    }
    return buildResults('benchmarkjs', collector.scenarios(), source, { nothingFound: 'no "name x N ops/sec ±X% (N runs sampled)" lines' })
  }
}
