/**
 * Threshold rules: parsing the config's expressions ("+20%", "< 300ms", {warn, fail}) and finding the rule
 * that applies to one scenario's metric.
 */
import picomatch from 'picomatch'
import { InputError } from '../errors.js'
import { lookupUnit, parseQuantity } from '../results/units.js'
import type { Direction } from '../results/model.js'
import type { MetricThreshold, ThresholdExpression, ThresholdRule } from './settings.js'

/** The raw shape of a rule as written in YAML/JSON (already schema-checked). */
export type RawThresholdRule = string | string[] | { warn?: string | string[]; fail?: string | string[]; direction?: Direction }

/** Parses one expression; `where` names the place it came from (config path + JSON path, or an input). */
export function parseThresholdExpression(text: string, where: string): ThresholdExpression {
  const trimmed = text.trim()
  const relative = /^([-+])?\s*(\d+(?:\.\d+)?)\s*%$/.exec(trimmed)
  if (relative) {
    const percent = Number(relative[2])
    if (percent <= 0) throw new InputError(`${where}: threshold "${text}" must be a change above 0%`)
    const sign = relative[1] as '+' | '-' | undefined
    return { kind: 'relative', worseFraction: percent / 100, ...(sign ? { sign } : {}), text: trimmed }
  }
  const absolute = /^(<=|>=|<|>)\s*(.+)$/.exec(trimmed)
  if (absolute) {
    const quantity = parseQuantity(absolute[2]!)
    if (!quantity) {
      throw new InputError(`${where}: threshold "${text}" has no number after "${absolute[1]}"; write e.g. "< 300ms" or ">= 1000 req/s"`)
    }
    const unit = quantity.unit.trim()
    if (unit !== '' && !lookupUnit(unit)) {
      throw new InputError(
        `${where}: threshold "${text}" has unknown unit "${unit}"; allowed: ns, us, ms, s, min, B, kB, KiB, MB, MiB, GB, GiB, ops/s, req/s, msg/s, B/s, MB/s, %, count (or no unit: the metric's own)`
      )
    }
    return {
      kind: 'absolute',
      operator: absolute[1] as '<' | '<=' | '>' | '>=',
      value: quantity.value,
      unit,
      text: trimmed
    }
  }
  throw new InputError(`${where}: threshold "${text}" is not understood; write a relative change such as "+20%" or an absolute budget such as "< 300ms"`)
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** A bare number ("p95: 10", or "p95: +20", which YAML reads as 20) is a rule without its kind: the two it could mean. */
export function bareNumberAdvice(metric: string, value: number): string {
  return `"${metric}: ${value}" is a bare number; write "${metric}: +${value}%" (worse by ${value}% fails) or "${metric}: < ${value}ms" (a budget)`
}

/** Parses one metric's rule. A bare expression or list means the fail level. */
export function parseMetricThreshold(raw: RawThresholdRule, where: string): MetricThreshold {
  if (typeof raw === 'string' || Array.isArray(raw)) {
    return {
      warn: [],
      fail: asList(raw).map((text, i) => parseThresholdExpression(text, Array.isArray(raw) ? `${where}/${i}` : where)),
      definedAt: where
    }
  }
  const parseLevel = (level: 'warn' | 'fail'): ThresholdExpression[] => {
    const value = raw[level]
    return asList(value).map((text, i) => parseThresholdExpression(text, Array.isArray(value) ? `${where}/${level}/${i}` : `${where}/${level}`))
  }
  const threshold: MetricThreshold = { warn: parseLevel('warn'), fail: parseLevel('fail'), definedAt: where }
  if (raw.direction) threshold.direction = raw.direction
  for (const warn of threshold.warn) {
    for (const fail of threshold.fail) {
      if (looserThan(warn, fail)) {
        throw new InputError(
          `${where}: warn "${warn.text}" is looser than fail "${fail.text}", so it could never warn before failing; the warn level must be reached first (e.g. warn: "+10%", fail: "+30%")`
        )
      }
    }
  }
  return threshold
}

/** Whether `warn` is only crossed after `fail` is (comparable expressions only: same kind, sign, operator and unit). */
function looserThan(warn: ThresholdExpression, fail: ThresholdExpression): boolean {
  if (warn.kind === 'relative' && fail.kind === 'relative') return warn.sign === fail.sign && warn.worseFraction > fail.worseFraction
  if (warn.kind === 'absolute' && fail.kind === 'absolute') {
    if (warn.unit !== fail.unit || warn.operator[0] !== fail.operator[0]) return false
    return warn.operator.startsWith('<') ? warn.value > fail.value : warn.value < fail.value
  }
  return false
}

/** Parses a metric → rule map; every bad rule is named at once (fixing them one run at a time is slow). */
export function parseThresholdMap(raw: Record<string, RawThresholdRule>, where: string): Record<string, MetricThreshold> {
  const metrics: Record<string, MetricThreshold> = {}
  const problems: string[] = []
  for (const [metric, rule] of Object.entries(raw)) {
    try {
      metrics[metric] = parseMetricThreshold(rule, `${where}/${escapePointer(metric)}`)
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      problems.push(error.message)
    }
  }
  if (problems.length === 1) throw new InputError(problems[0]!)
  if (problems.length > 1) throw new InputError(`${problems.length} thresholds are invalid:\n  ${problems.join('\n  ')}`)
  return metrics
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * Glob match of a metric or scenario name. picomatch (well kept, what micromatch and fast-glob use) instead of the
 * old hand-written `*`/`?` matcher: it also gives `{p95,p99}` and `[0-9]`, and compiles each pattern once (the gate
 * matches every scenario × metric, so a RegExp per call was a cost). Names are not paths: `bash: true` lets `*` run
 * across `/` (scenario names such as "GET /users/1"), `dot: true` lets it match a leading dot. An exact name always
 * matches itself, even one with glob characters such as "fib(15)".
 */
export function globMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true
  let matcher = compiledGlobs.get(pattern)
  if (!matcher) {
    matcher = picomatch(pattern, { bash: true, dot: true })
    compiledGlobs.set(pattern, matcher)
  }
  return matcher(name)
}

const compiledGlobs = new Map<string, (name: string) => boolean>()

/** Within one rule an exact metric name beats a glob; among globs, the longest pattern (most specific) wins. */
function matchMetric(metrics: Record<string, MetricThreshold>, metric: string): MetricThreshold | undefined {
  if (Object.hasOwn(metrics, metric)) return metrics[metric]
  const globs = Object.keys(metrics)
    .filter((pattern) => globMatches(pattern, metric))
    .sort((a, b) => b.length - a.length)
  return globs.length > 0 ? metrics[globs[0]!] : undefined
}

/** Finds the threshold for one scenario's metric: the last matching rule wins. */
export function resolveThreshold(rules: ThresholdRule[], scenario: { name: string; suite?: string }, metric: string): MetricThreshold | undefined {
  let found: MetricThreshold | undefined
  for (const rule of rules) {
    if (rule.suite !== undefined && rule.suite !== scenario.suite) continue
    if (rule.scenarios && !rule.scenarios.some((pattern) => globMatches(pattern, scenario.name))) continue
    found = matchMetric(rule.metrics, metric) ?? found
  }
  return found
}

/** True when no rule sets any threshold at all. */
export function hasAnyThreshold(rules: ThresholdRule[]): boolean {
  return rules.some((rule) => Object.keys(rule.metrics).length > 0)
}

/** Every level of `threshold` is an absolute budget (`< 300ms`): it needs no baseline. */
export function isAbsoluteOnly(threshold: MetricThreshold): boolean {
  return [...threshold.warn, ...threshold.fail].every((level) => level.kind === 'absolute')
}
