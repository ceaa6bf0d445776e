/**
 * Scenarios of one Results by name, built once per Results object and remembered (weakly) after that. The gate looks
 * up every scenario × metric in every stored baseline; a linear `find` there made its cost grow with scenarios² ×
 * history (61 s for 10,000 scenarios against 20 stored baselines).
 */
import type { Results, Scenario } from './model.js'

const indexes = new WeakMap<Results, Map<string, Scenario>>()

export function scenariosByName(results: Results): Map<string, Scenario> {
  let index = indexes.get(results)
  if (!index) {
    index = new Map()
    // The first scenario of a name wins, as `find` did.
    for (const scenario of results.scenarios) if (!index.has(scenario.name)) index.set(scenario.name, scenario)
    indexes.set(results, index)
  }
  return index
}
