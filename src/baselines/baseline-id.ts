/**
 * Baseline ids: sortable by time and unique even when many are made in the same millisecond.
 *
 * The id is `<UTC stamp to the ms>-<UUIDv7>-<short sha or "local">`. The UUIDv7 (RFC 9562, from the well-kept
 * `uuid` package) carries random bits plus a sequence counter; ids made within one millisecond of this process
 * take the next sequence number (uuid's own monotonic state is bypassed when the time is given, so it is kept
 * here), so they stay in order and never collide, and ids of different processes differ in 42+ random bits.
 * The old "second + 16 random bits" had 7 duplicates in 1,000 ids made in one second. The readable stamp comes
 * first so ids sort by time (the file store prunes the oldest by sorting), among older ids of the same shape too.
 */
import { randomInt } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'

let last = { msecs: -1, seq: 0 }

export function newBaselineId(now: Date, sha: string | undefined): string {
  const msecs = now.getTime()
  // A fresh millisecond starts at a random point in the lower half of the sequence space, leaving room to count up.
  last = msecs === last.msecs ? { msecs, seq: (last.seq + 1) >>> 0 } : { msecs, seq: randomInt(0, 2 ** 31) }
  const stamp = now.toISOString().replace(/[-:.]/g, '')
  return `${stamp}-${uuidv7({ msecs, seq: last.seq })}-${sha ? sha.slice(0, 7) : 'local'}`
}
