/**
 * Which shard this job is: "2/8" (1-based, as people count matrix legs) or a matrix index with a total.
 */
import { InputError } from '../errors.js'

export interface ShardSpec {
  /** 1-based. */
  index: number
  total: number
}

/** Parses "2/8"; `where` names the input or flag for messages. */
export function parseShardSpec(text: string, where: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!match) throw new InputError(`${where}: "${text}" is not a shard; write index/total, e.g. 2/8 (1-based)`)
  const index = Number(match[1])
  const total = Number(match[2])
  if (total < 1 || total > 256) throw new InputError(`${where}: "${text}": the number of shards must be 1 to 256`)
  if (index < 1 || index > total) throw new InputError(`${where}: "${text}": the shard index must be 1 to ${total}`)
  return { index, total }
}

/** A stable split of names over shards: sorted, then dealt round-robin, so shards stay balanced. */
export function assignToShard<T>(items: T[], nameOf: (item: T) => string, shard: ShardSpec): T[] {
  const sorted = [...items].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0))
  return sorted.filter((_, position) => position % shard.total === shard.index - 1)
}

export function formatShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.total}`
}

/** `text` as a literal inside a regular expression (gate names in upload-name patterns). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
