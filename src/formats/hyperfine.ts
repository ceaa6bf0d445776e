/**
 * hyperfine `--export-json`: one scenario per command; each timed run is one trial (`time` in s, and `memory`
 * in B when hyperfine ≥ 1.19 recorded memory_usage_byte). Results sharing a command (`-n build -P threads 1 4`) are
 * told apart by their parameters, appended to the name: `build (threads=4)`. A run that exited non-zero (kept by
 * `hyperfine -i`) is a run failure.
 */
import { RunError } from '../errors.js'
import type { Trial } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, items, jsonError, jsonRoot, numbersAt, optionalNumberAt, stringAt, type JsonNode } from './json-reader.js'
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
    const results = items(child(root, 'results'))
    const commands = results.map((result) => {
      asObject(result)
      return stringAt(child(result, 'command'))
    })
    const collector = new ScenarioCollector()
    results.forEach((result, index) => {
      const command = commands[index]!
      const times = numbersAt(child(result, 'times'))
      const memoryNode = child(result, 'memory_usage_byte')
      const memory = memoryNode.value === undefined || memoryNode.value === null ? undefined : numbersAt(memoryNode)
      if (memory && memory.length !== times.length) throw jsonError(memoryNode, `${times.length} values, one per run`)
      checkExitCodes(child(result, 'exit_codes'), command)
      const parameters = parameterEntries(child(result, 'parameters'))
      const labels = Object.fromEntries(parameters.map(([key, value]) => [`parameter.${key}`, value]))
      // `-n build -P threads 1 4` names every result "build": only their `parameters` tell them apart.
      const shared = commands.filter((other) => other === command).length > 1
      const name = shared && parameters.length > 0 ? `${command} (${parameters.map(([key, value]) => `${key}=${value}`).join(', ')})` : command
      let trials: Trial[]
      if (times.length === 0) {
        // Older exports without per-run times: the mean is all there is.
        const mean = optionalNumberAt(child(result, 'mean'))
        if (mean === undefined) throw jsonError(child(result, 'times'), 'per-run times (or at least a mean)')
        trials = [{ metrics: { time: metricValue(mean, 's') } }]
      } else {
        trials = times.map((seconds, run) => {
          const trial: Trial = { metrics: { time: metricValue(seconds, 's') } }
          if (memory) trial.metrics.memory = metricValue(memory[run]!, 'B')
          return trial
        })
      }
      collector.addBenchmark(name, trials, { source, at: result.pointer }, { kind: 'benchmark', labels })
    })
    return buildResults('hyperfine', collector.scenarios(), source, { nothingFound: 'no benchmark results in "results"' })
  }
}

function parameterEntries(node: JsonNode): Array<[string, string]> {
  if (node.value === undefined || node.value === null) return []
  return entries(node).map(([key, value]) => [key, String(value.value)])
}

/**
 * `hyperfine -i` keeps timing a command whose runs fail and records their exit codes: a failed run measured
 * something other than the benchmark, so any non-zero code (or null: killed by a signal) fails the run (exit 2).
 */
function checkExitCodes(node: JsonNode, command: string): void {
  if (!Array.isArray(node.value)) return
  const codes = node.value as unknown[]
  const failed = codes.filter((code) => code !== 0)
  if (failed.length === 0) return
  const shown = [...new Set(failed.map((code) => (code === null ? 'killed by a signal' : String(code))))].join(', ')
  throw new RunError(
    `${node.source}: ${node.pointer}: command "${command}" failed in ${failed.length} of ${codes.length} runs (exit codes: ${shown}); hyperfine -i timed the failed runs too`
  )
}
