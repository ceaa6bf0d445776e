/**
 * Rules that match nothing are configuration errors (exit 3): `p96: +20%`, `"P95": +20%` or `latency_*: +20%` would
 * otherwise gate nothing and let the run pass. A rule counts as matching when its metric name or glob matches a
 * metric of at least one scenario it applies to, in this run or the baseline (a glob that matches in some scenarios
 * but not others is fine). Built-in default rules are exempt: they name every metric a source may produce.
 */
import { closestName } from '../closest-name.js'
import { globMatches } from '../config/thresholds.js'
import type { ThresholdRule } from '../config/settings.js'
import { InputError } from '../errors.js'
import type { Results, Scenario } from '../results/model.js'

export function checkRulesMatch(rules: ThresholdRule[], results: Results[]): void {
  const scenarios = results.flatMap((r) => r.scenarios)
  if (scenarios.length === 0) return
  const problems: string[] = []
  for (const rule of rules) {
    if (rule.isDefault) continue
    const inScope = scenarios.filter((s) => rule.suite === undefined || s.labels?.suite === rule.suite)
    const chosen = inScope.filter((s) => !rule.scenarios || rule.scenarios.some((pattern) => globMatches(pattern, s.name)))
    const firstWhere = Object.values(rule.metrics)[0]?.definedAt
    if (rule.scenarios && chosen.length === 0) {
      const names = [...new Set(inScope.map((s) => s.name))]
      problems.push(
        `${firstWhere ? `${firstWhere.replace(/\/[^/]*$/, '')}: ` : ''}scenarios ${rule.scenarios.map((p) => `"${p}"`).join(', ')} match no scenario${rule.suite ? ` of suite "${rule.suite}"` : ''}; scenarios here: ${sample(names)}${suggestion(rule.scenarios, names)}`
      )
      continue
    }
    const metrics = metricNamesOf(chosen)
    for (const [pattern, threshold] of Object.entries(rule.metrics)) {
      if (metrics.some((metric) => globMatches(pattern, metric))) continue
      problems.push(`${threshold.definedAt}: rule "${pattern}" matches no metric; metrics here: ${sample(metrics)}${suggestion([pattern], metrics)}`)
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'))
}

function metricNamesOf(scenarios: Scenario[]): string[] {
  const names = new Set<string>()
  for (const scenario of scenarios) for (const trial of scenario.trials) for (const name of Object.keys(trial.metrics)) names.add(name)
  return [...names]
}

function sample(names: string[], max = 12): string {
  if (names.length === 0) return '(none)'
  const shown = names.slice(0, max).join(', ')
  return names.length > max ? `${shown} and ${names.length - max} more` : shown
}

/** ` (did you mean "p95"?)`: a name equal but for case, else the nearest within two edits, else a name sharing the glob's literal start. */
function suggestion(patterns: string[], names: string[]): string {
  for (const pattern of patterns) {
    const found = closestName(pattern, names)
    if (found) return ` (did you mean "${found}"?)`
  }
  return ''
}
