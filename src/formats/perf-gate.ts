/** perf-gate's own results format (schemas/results.schema.json): what `command` suites are asked to write. */
import { InputError } from '../errors.js'
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/model.js'
import { schemaProblems } from '../schemas.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'

export const perfGateFormat: ResultsFormat = {
  name: 'perf-gate',
  description: "perf-gate's own results JSON (schemas/results.schema.json)",
  detect(text) {
    return /^\s*\{/.test(text) && /"schemaVersion"\s*:/.test(text) && /"scenarios"\s*:/.test(text)
  },
  parse(text, source) {
    return validateResults(parseJsonText(text, source), source)
  }
}

/** Checks a parsed document against the results schema; names the path of the offending field. */
export function validateResults(data: unknown, source: string): Results {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(`${source}: expected a JSON object with schemaVersion and scenarios`)
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion
  if (typeof version === 'number' && version > RESULTS_SCHEMA_VERSION) {
    throw new InputError(`${source}: schemaVersion ${version} is newer than this perf-gate understands (${RESULTS_SCHEMA_VERSION}); upgrade perf-gate`)
  }
  const keys = Object.keys(data)
  if (keys.includes('verdict') && keys.includes('metrics')) {
    throw new InputError(
      `${source} is a perf-gate report (written by --json), not results: give the results it was made from, or render it with \`perf-gate report ${source} --html <file>\``
    )
  }
  const problems = schemaProblems('results', data)
  if (problems.length > 0) {
    throw new InputError(`${source} is not valid perf-gate results:\n  ${problems.map((p) => p.message).join('\n  ')}`)
  }
  const results = data as Results
  const seen = new Set<string>()
  results.scenarios.forEach((scenario, index) => {
    if (seen.has(scenario.name)) {
      throw new InputError(`${source}: /scenarios/${index}/name: "${scenario.name}" appears twice; scenario names must be unique`)
    }
    seen.add(scenario.name)
  })
  return results
}
