/**
 * Julia BenchmarkTools JSON: what `BenchmarkTools.save(file, results)` writes (`[{"Julia": v, "BenchmarkTools": v},
 * [values…]]`), and the bare value `JSON.print(io, results)` writes. Values are `[type, fields]` pairs, nested
 * `BenchmarkGroup`s down to a `Trial` (`run(suite)`: raw samples) or a `TrialEstimate` (`median(results)`,
 * `minimum(results)`: what github-action-benchmark's julia tool reads).
 *
 * One scenario per leaf, named by its group keys (`fib > 20`). A Trial's samples are its trials, as Criterion samples
 * are: each entry of `times` (ns per evaluation, averaged over the sample's `evals` evaluations) is a trial of `time`.
 * A TrialEstimate is one trial of `time` (ns). `memory` (bytes allocated per evaluation, `bytes`) and `allocs` are one
 * value per benchmark: in the first trial only. `gctimes`/`gctime` and `params` are not kept. TrialRatio and
 * TrialJudgement (comparisons of two runs) and files holding only tuned Parameters are refused.
 */
import { InputError } from '../errors.js'
import type { Trial } from '../results/model.js'
import type { ParseContext, ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, entries, isJsonObject, items, jsonError, jsonRoot, numberAt, numbersAt, optionalNumberAt, type JsonNode } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

const TYPE = /^(BenchmarkTools\.)?(BenchmarkGroup|Trial|TrialEstimate|TrialRatio|TrialJudgement|Parameters|TagFilter)$/

export const juliaBenchmarkToolsFormat: ResultsFormat = {
  name: 'julia',
  description: 'Julia BenchmarkTools JSON (BenchmarkTools.save)',
  detect(text) {
    return /^\s*\[\s*\{\s*"(Julia|BenchmarkTools)"\s*:/.test(text) || /^\s*\[\s*"(BenchmarkTools\.)?(BenchmarkGroup|Trial|TrialEstimate)"\s*,\s*\{/.test(text)
  },
  resembles(text) {
    return /^\s*\[/.test(text) && /"(BenchmarkGroup|TrialEstimate|BenchmarkTools)"/.test(text)
  },
  parse(text, source, context: ParseContext = {}) {
    const root = jsonRoot(parseJsonText(text, source), source)
    const values = topLevelValues(root)
    const collector = new ScenarioCollector()
    let parametersOnly = false
    values.forEach((value, index) => {
      const prefix = values.length > 1 ? [`#${index + 1}`] : []
      walk(value, prefix, collector, context, () => (parametersOnly = true))
    })
    if (collector.size === 0 && parametersOnly) {
      throw new InputError(`${source}: holds BenchmarkTools Parameters (a tune! file), not results; save run(suite) or its estimates`)
    }
    return buildResults('julia', collector.scenarios(), source, {
      ...(versionOf(root) ? { producerVersion: versionOf(root) } : {}),
      nothingFound: 'no BenchmarkTools results (Trial or TrialEstimate) found'
    })
  }
}

/** The saved values: `save` wraps them after a versions object; `JSON.print` of one value is the value itself. */
function topLevelValues(root: JsonNode): JsonNode[] {
  if (!Array.isArray(root.value)) throw jsonError(root, 'an array (BenchmarkTools.save JSON)')
  if (isJsonObject(root.value[0])) return items(itemAt(root, 1), 'an array of saved values')
  return [root]
}

function itemAt(node: JsonNode, index: number): JsonNode {
  return { value: (node.value as unknown[])[index], pointer: `${node.pointer}/${index}`, source: node.source }
}

function walk(node: JsonNode, path: string[], collector: ScenarioCollector, context: ParseContext, sawParameters: () => void): void {
  const pair = items(node, 'a ["Type", {fields}] pair')
  const type = pair[0]?.value
  if (pair.length !== 2 || typeof type !== 'string' || !TYPE.test(type)) throw jsonError(node, 'a ["Type", {fields}] pair of a BenchmarkTools type')
  const kind = type.replace(/^BenchmarkTools\./, '')
  const fields = pair[1]!
  asObject(fields)
  const name = path.length > 0 ? path.join(' > ') : (context.suite ?? 'julia')
  switch (kind) {
    case 'BenchmarkGroup':
      for (const [key, value] of entries(child(fields, 'data'))) walk(value, [...path, key], collector, context, sawParameters)
      return
    case 'Trial':
      trialSamples(fields).forEach((trial) => collector.addTrial(name, trial, { kind: 'benchmark' }))
      return
    case 'TrialEstimate':
      collector.addTrial(name, withAllocations({ metrics: { time: metricValue(numberAt(child(fields, 'time')), 'ns') } }, fields), { kind: 'benchmark' })
      return
    case 'Parameters':
    case 'TagFilter':
      sawParameters()
      return
    default:
      throw new InputError(
        `${node.source}: ${node.pointer}: a ${kind} compares two runs; save the results themselves (run(suite), or median(results)) and let perf-gate compare`
      )
  }
}

function trialSamples(fields: JsonNode): Trial[] {
  const times = numbersAt(child(fields, 'times'))
  const trials: Trial[] = times.map((time) => ({ metrics: { time: metricValue(time, 'ns') } }))
  if (trials[0]) withAllocations(trials[0], fields)
  return trials
}

/** memory and allocs are counted once per benchmark: one value, in the trial given. */
function withAllocations(trial: Trial, fields: JsonNode): Trial {
  const memory = optionalNumberAt(child(fields, 'memory'))
  const allocs = optionalNumberAt(child(fields, 'allocs'))
  if (memory !== undefined) trial.metrics.bytes = metricValue(memory, 'B')
  if (allocs !== undefined) trial.metrics.allocs = metricValue(allocs, 'allocs/op', 'lower')
  return trial
}

function versionOf(root: JsonNode): string | undefined {
  const versions = Array.isArray(root.value) && isJsonObject(root.value[0]) ? root.value[0] : undefined
  const version = versions?.BenchmarkTools
  if (typeof version === 'string') return version
  if (isJsonObject(version) && typeof version.major === 'number') return `${version.major}.${version.minor ?? 0}.${version.patch ?? 0}`
  return undefined
}
