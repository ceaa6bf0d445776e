/**
 * Interleaved suite runs for same-runner A/B: randomized multiple interleaved trials (Abedi & Brecht, "Conducting
 * Repeatable Experiments in Highly Variable Cloud Computing Environments", ICPE 2017). Each arm of a pair is ONE run
 * of the suite's command, and the pairs come in blocks of two whose orientation is drawn at random: ABBA
 * (base→head, head→base) or BAAB (head→base, base→head). Within a block each arm goes first once, so a slow drift
 * of the runner cancels; the coin per block keeps a periodic disturbance (a cron job, a neighbour's build) from
 * lining up with one arm, which a fixed ABAB… or ABBA… order allows. The seed makes the order reproducible and is
 * printed in the report.
 */
import type { Results } from '../results/model.js'
import type { Arm, ArmRunner } from './paired-runs.js'

/** Which arm runs first in each pair, by block of two pairs, from a seed. */
export class InterleavedSchedule {
  private readonly firstInBlock: Arm[] = []
  private readonly next: () => number

  constructor(readonly seed: number) {
    this.next = mulberry32(seed)
  }

  /** The arms of pair `pairIndex` (0-based) in the order they run. */
  orderOf(pairIndex: number): [Arm, Arm] {
    const block = Math.floor(pairIndex / 2)
    while (this.firstInBlock.length <= block) this.firstInBlock.push(this.next() < 0.5 ? 'base' : 'head')
    const first = this.firstInBlock[block]!
    const other: Arm = first === 'base' ? 'head' : 'base'
    return pairIndex % 2 === 0 ? [first, other] : [other, first]
  }
}

/** A fresh seed for one confirmation (32 bits; printed with the order so the run can be told apart and replayed). */
export function randomScheduleSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000)
}

export interface InterleavedArmRunner extends ArmRunner {
  /** The pairs run so far, each as its two arms in run order. */
  readonly ran: Array<[Arm, Arm]>
  /** For the report's note: how many pairs, one command run per arm, and in what order they ran. */
  describe(): string
}

/**
 * Runs each pair's two arms in the schedule's order when the pair is first asked for (the paired confirmation asks
 * for both arms of a pair in its own order), and serves the second arm from that pair.
 */
export function interleavedArmRunner(runArm: (arm: Arm) => Promise<Results>, schedule: InterleavedSchedule): InterleavedArmRunner {
  const ran: Array<[Arm, Arm]> = []
  let current: { pairIndex: number; results: Partial<Record<Arm, Results>> } | undefined
  return {
    ran,
    run: async (arm: Arm, pairIndex: number): Promise<Results> => {
      if (current?.pairIndex !== pairIndex) {
        const order = schedule.orderOf(pairIndex)
        const results: Partial<Record<Arm, Results>> = {}
        for (const which of order) results[which] = await runArm(which)
        ran.push(order)
        current = { pairIndex, results }
      }
      return current.results[arm]!
    },
    describe: () => describeInterleaving(ran, schedule.seed)
  }
}

/** "one command run per arm, in randomized ABBA blocks (seed 7; b base, h head): bh·hb hb·bh bh·hb" (one pair each). */
export function describeInterleaving(ran: Array<[Arm, Arm]>, seed: number): string {
  const letters = ran.map(([first, second]) => `${first[0]}${second[0]}`)
  const blocks: string[] = []
  for (let i = 0; i < letters.length; i += 2) blocks.push(letters.slice(i, i + 2).join('·'))
  return `one command run per arm, in randomized ABBA blocks (seed ${seed}; b base, h head): ${blocks.join(' ')}`
}

/**
 * mulberry32: a small, well-mixed 32-bit generator. A coin per block needs no library, and Math.random cannot be
 * seeded, which a reproducible order needs.
 */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
