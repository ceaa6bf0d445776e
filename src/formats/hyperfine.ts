/**
 * hyperfine `--export-json`: one scenario per command; each timed run is one trial (`time` in s, and `memory`
 * in B when hyperfine ≥ 1.19 recorded memory_usage_byte).
 */
import type { Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, items, jsonError, jsonRoot, numbersAt, optionalNumberAt, stringAt } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

export const hyperfineFormat: ResultsFormat = {
  name: 'hyperfine',
  description: 'hyperfine --export-json (each run is a trial)',
  detect(text) {
    return /^\s*\{/.test(text) && /"results"\s*:\s*\[/.test(text) && /"command"\s*:/.test(text) && /"times"\s*:/.test(text)
  },
  parse(text, source) {
    const root = jsonRoot(parseJsonText(text, source), source)
    asObject(root, 'an object with "results" (hyperfine --export-json)')
    const collector = new ScenarioCollector()
    for (const result of items(child(root, 'results'))) {
      asObject(result)
      const command = stringAt(child(result, 'command'))
      const times = numbersAt(child(result, 'times'))
      const memoryNode = child(result, 'memory_usage_byte')
      const memory = memoryNode.value === undefined || memoryNode.value === null ? undefined : numbersAt(memoryNode)
      if (memory && memory.length !== times.length) throw jsonError(memoryNode, `${times.length} values, one per run`)
      const labels = parameterLabels(child(result, 'parameters'))
      if (times.length === 0) {
        // Older exports without per-run times: the mean is all there is.
        const mean = optionalNumberAt(child(result, 'mean'))
        if (mean === undefined) throw jsonError(child(result, 'times'), 'per-run times (or at least a mean)')
        collector.addTrial(command, { metrics: { time: metricValue(mean, 's') } }, { kind: 'benchmark', labels })
        continue
      }
      times.forEach((seconds, run) => {
        const trial: Trial = { metrics: { time: metricValue(seconds, 's') } }
        if (memory) trial.metrics.memory = metricValue(memory[run]!, 'B')
        collector.addTrial(command, trial, { kind: 'benchmark', labels })
      })
    }
    return buildResults('hyperfine', collector.scenarios(), source, { nothingFound: 'no benchmark results in "results"' })
  }
}

function parameterLabels(node: ReturnType<typeof child>): Record<string, string> {
  if (node.value === undefined || node.value === null) return {}
  return Object.fromEntries(entries(node).map(([key, value]) => [`parameter.${key}`, String(value.value)]))
}
