/**
 * Rust libtest `#[bench]` output (`cargo bench` on nightly or with RUSTC_BOOTSTRAP=1):
 * `test name ... bench:   1,234.56 ns/iter (+/- 56)` and, with `b.bytes`, `= 278 MB/s`. One scenario per
 * benchmark; each run (a `running N tests` block ending in `test result:`) adds a trial, so runs appended to one file
 * are trials. `time` is ns per iteration; `throughput` MB/s. The `+/-` figure (max − min of libtest's per-batch
 * medians, not a deviation) is not kept. A run without its `test result:` line was cut off; a FAILED test is a run failure.
 */
import { InputError, RunError } from '../errors.js'
import type { MetricValue } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'
import { lineError, numberedLines, type TextLine } from './text-lines.js'

const BENCH_LINE = /^test (\S.*?)\s+\.\.\. bench:\s+([\d,]+(?:\.\d+)?) ns\/iter \(\+\/- ([\d,]+(?:\.\d+)?)\)(?: = ([\d,]+(?:\.\d+)?) MB\/s)?$/

export const libtestBenchFormat: ResultsFormat = {
  name: 'libtest',
  description: 'Rust libtest #[bench] output ("test x ... bench: 1,234 ns/iter (+/- 56)")',
  detect(text) {
    return /^test \S.* \.\.\. bench:\s+[\d,.]+ ns\/iter \(\+\/- [\d,.]+\)/m.test(text)
  },
  parse(text, source) {
    const collector = new ScenarioCollector()
    let open: TextLine | undefined
    for (const line of numberedLines(text)) {
      const trimmed = line.text.trim()
      if (/^running \d+ tests?$/.test(trimmed)) {
        if (open)
          throw new InputError(`${source}:${open.number}: the run that starts here has no "test result:" line before the next run; the file looks truncated`)
        open = line
        continue
      }
      if (/^test result: /.test(trimmed)) {
        open = undefined
        continue
      }
      if (/^test .+ \.\.\. FAILED$/.test(trimmed)) throw new RunError(`${source}:${line.number}: ${trimmed}`)
      if (!/^test .+ \.\.\. bench:/.test(trimmed)) continue
      const match = BENCH_LINE.exec(trimmed)
      if (!match) throw lineError(source, line, '"test name ... bench: 1,234 ns/iter (+/- 56)"')
      const metrics: Record<string, MetricValue> = { time: metricValue(number(match[2]!), 'ns') }
      if (match[4] !== undefined) metrics.throughput = metricValue(number(match[4]), 'MB/s')
      collector.addTrial(match[1]!, { metrics }, { kind: 'benchmark' })
    }
    if (open) throw new InputError(`${source}:${open.number}: the run that starts here has no "test result:" line, its last; the file looks truncated`)
    return buildResults('libtest', collector.scenarios(), source, { nothingFound: 'no "test name ... bench: N ns/iter" lines' })
  }
}

function number(text: string): number {
  return Number(text.replace(/,/g, ''))
}
