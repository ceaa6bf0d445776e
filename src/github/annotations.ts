/**
 * The step's annotations for a report: GitHub shows at most 10 of each kind per step, and thousands of `::error`
 * lines only slow the log. The most severe come first; past the cap, one line says how many more there are.
 */
import type { MetricVerdict } from '../verdict/types.js'

export const ANNOTATION_CAP = 10

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  title: string
}

export function reportAnnotations(gate: string, metrics: readonly MetricVerdict[], cap = ANNOTATION_CAP): Annotation[] {
  const all: Annotation[] = []
  for (const level of ['error', 'warning', 'notice'] as const) {
    for (const metric of metrics) {
      if (levelOf(metric) === level) all.push({ level, message: metric.reason, title: `perf-gate ${gate}: ${metric.scenario} · ${metric.metric}` })
    }
  }
  if (all.length <= cap) return all
  const shown = all.slice(0, cap)
  const rest = all.slice(cap)
  const counts = (['error', 'warning', 'notice'] as const)
    .map((level) => [level, rest.filter((annotation) => annotation.level === level).length] as const)
    .filter(([, count]) => count > 0)
    .map(([level, count]) => `${count} ${level === 'error' ? 'failing' : level === 'warning' ? 'warning' : 'inconclusive'}`)
  shown.push({
    level: rest[0]!.level,
    message: `and ${rest.length} more (${counts.join(', ')}) not annotated here: see the job summary or the JSON report for every row`,
    title: `perf-gate ${gate}: ${rest.length} more`
  })
  return shown
}

/** Fails are errors, warns warnings; a gated inconclusive is a notice, so it reads as news rather than a failure. */
function levelOf(metric: MetricVerdict): Annotation['level'] | undefined {
  if (metric.status === 'fail') return 'error'
  if (metric.status === 'warn') return 'warning'
  if (metric.status === 'inconclusive' && metric.gated) return 'notice'
  return undefined
}
