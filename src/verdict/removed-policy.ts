/**
 * A gated baseline metric missing from this run: a suite that lost a benchmark must not pass because nothing was
 * compared. By default it fails the gate; the config's `removed` (fail | warn | ignore, per scenario glob, the last
 * matching glob wins) relaxes that for scenarios that were dropped on purpose.
 */
import { globMatches } from '../config/thresholds.js'
import type { RemovedPolicy, RemovedRule } from '../config/settings.js'
import type { MetricStatus } from './types.js'

export function removedPolicyFor(rules: RemovedRule[], scenario: string): RemovedPolicy {
  let policy: RemovedPolicy = 'fail'
  for (const rule of rules) if (globMatches(rule.scenarios, scenario)) policy = rule.policy
  return policy
}

/** The status and reason of a gated removed metric under the policy for its scenario. */
export function removedStatus(rules: RemovedRule[], scenario: string, why: string): { status: MetricStatus; reason: string } {
  const policy = removedPolicyFor(rules, scenario)
  if (policy === 'ignore') return { status: 'removed', reason: `In the baseline but not in this run: ${why} (removed: ignore).` }
  const advice = policy === 'fail' ? ' Dropped on purpose? Set `removed: warn` or `ignore` for it.' : ''
  return { status: policy, reason: `Gated in the baseline but missing here (${why}): nothing compared.${advice}` }
}
