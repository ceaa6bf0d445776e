/**
 * A load source's share for one shard of a job matrix: every shard runs every scenario at the same time, each
 * with 1/N of the arrival rate (or of the connections, and of the request count), so the merged trial is the load
 * the user configured. Plugs into shardShare (src/shards/shard-mode.ts) as its `splitLoad`.
 */
import type { LoadScenarioSettings, RunSource } from '../../config/settings.js'
import { InputError } from '../../errors.js'
import type { ShardSpec } from '../../shards/shard-spec.js'
import { evenShare } from './even-share.js'

/** This shard's part of `total` whole units: the remainder goes to the first shards. */
function shareOf(total: number, shard: ShardSpec): number {
  return evenShare(total, shard.index - 1, shard.total)
}

/** The load source scaled down to one shard's share; undefined for sources that are not load. */
export function splitLoadSource(source: RunSource, shard: ShardSpec): RunSource | undefined {
  if (source.kind !== 'load') return undefined
  const websocket = source.websocketScenarios?.[0]
  if (websocket) {
    throw new InputError(`load scenario "${websocket.name}": WebSocket scenarios cannot be split over shards yet; run them without mode: shard`)
  }
  return { ...source, scenarios: source.scenarios.map((scenario) => splitScenario(scenario, shard)) }
}

function splitScenario(scenario: LoadScenarioSettings, shard: ShardSpec): LoadScenarioSettings {
  const split: LoadScenarioSettings = { ...scenario }
  if (scenario.shape) {
    // Every stage's target divides, so the shards together ramp as the stages say (users: whole shares, the
    // remainder to the first shards, as connections).
    const users = scenario.shape.unit === 'users'
    if (users && Math.max(...scenario.shape.stages.map((stage) => stage.target)) < shard.total) {
      throw new InputError(
        `load scenario "${scenario.name}": its stages reach fewer users than the ${shard.total} shards; give them at least ${shard.total} users`
      )
    }
    split.shape = {
      ...scenario.shape,
      configuredTargets: scenario.shape.configuredTargets ?? scenario.shape.stages.map((stage) => stage.target),
      stages: scenario.shape.stages.map((stage) => ({ ...stage, target: users ? shareOf(stage.target, shard) : stage.target / shard.total }))
    }
    const peak = Math.max(...split.shape.stages.map((stage) => stage.target))
    if (users) split.connections = peak
    else {
      split.ratePerSecond = peak
      split.connections = Math.max(1, Math.ceil(scenario.connections / shard.total))
    }
    return split
  }
  if (scenario.ratePerSecond !== undefined) {
    // Open loop: the rate divides; each shard keeps enough connections to carry its rate.
    split.ratePerSecond = scenario.ratePerSecond / shard.total
    split.connections = Math.max(1, Math.ceil(scenario.connections / shard.total))
  } else {
    if (scenario.connections < shard.total) {
      throw new InputError(
        `load scenario "${scenario.name}": ${scenario.connections} connection(s) cannot be split over ${shard.total} shards; use at least ${shard.total} connections, or a rate`
      )
    }
    split.connections = shareOf(scenario.connections, shard)
  }
  if (scenario.requests !== undefined) {
    const requests = shareOf(scenario.requests, shard)
    if (requests < 1) throw new InputError(`load scenario "${scenario.name}": ${scenario.requests} request(s) cannot be split over ${shard.total} shards`)
    split.requests = requests
  }
  return split
}
