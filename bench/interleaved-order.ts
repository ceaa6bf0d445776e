/**
 * Does the order of base and head runs in a suite A/B matter? Simulated with the gate's own code: confirmOnSameRunner()
 * with the shipped paired decider, fed by command runs in today's fixed ABBA order (pair 1 base→head, pair 2
 * head→base, …) or in randomized ABBA blocks (src/confirm/interleaved-runs.ts). Threshold +10% on a lower-is-better
 * metric, looks [10, 20, 40, 80] pairs (the suite default), one command run per arm.
 *
 * Noise per command run, heavy-tailed as on real runners (NOTES.md): log-sd 3%, and with probability 1/30 a one-sided
 * shock |N(0, 0.25)| (slower only). On top, a periodic disturbance: every `period`-th command run of the runner is
 * 15% slower (a neighbour's cron job, a periodic flush), at a random phase per decision. A period of 4 runs is the
 * one a fixed ABBA order lines up with: the same arm is hit every time.
 *
 * The last column is the median distance of the estimated change from the true one, in percentage points.
 *
 * Usage: node --import tsx bench/interleaved-order.ts [--reps 1000] [--seed 1]
 */
import { parseArgs } from 'node:util'
import { DEFAULT_SUITE_LOOKS } from '../src/config/settings.js'
import { InterleavedSchedule, interleavedArmRunner } from '../src/confirm/interleaved-runs.js'
import { confirmOnSameRunner, type Arm, type ArmRunner } from '../src/confirm/paired-runs.js'
import { MemoryLogger } from '../src/log.js'
import type { Results } from '../src/results/model.js'
import { createPairedDecider, type ConfirmTarget } from '../src/verdict/paired-decider.js'
import { seededRandom } from './seeded-random.js'

const { values: flags } = parseArgs({ options: { reps: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' } } })
const REPS = Number(flags.reps)
const random = seededRandom(Number(flags.seed))
const RUN_NOISE = 0.03
const SHOCK_RATE = 1 / 30
const SHOCK_SD = 0.25
const DISTURBANCE = 0.15
const target: ConfirmTarget = { scenario: 'parse', metric: 'mean', direction: 'lower', worseFraction: 0.1, text: '+10%' }
const decide = createPairedDecider()

function resultsOf(value: number): Results {
  return { schemaVersion: 1, scenarios: [{ name: 'parse', trials: [{ metrics: { mean: { value, unit: 'ms', direction: 'lower' } } }] }] }
}

/** A runner's command runs in the order they happen, each slowed by noise, shocks and the periodic disturbance. */
function commandRuns(effect: number, period: number | undefined): (arm: Arm) => Promise<Results> {
  const phase = period ? Math.floor(random.uniform() * period) : 0
  let run = 0
  return async (arm) => {
    const shock = random.uniform() < SHOCK_RATE ? Math.abs(random.normal()) * SHOCK_SD : 0
    const disturbed = period !== undefined && (run + phase) % period === 0 ? Math.log1p(DISTURBANCE) : 0
    run++
    const level = 100 * (arm === 'head' ? 1 + effect : 1)
    return resultsOf(level * Math.exp(random.normal() * RUN_NOISE + shock + disturbed))
  }
}

type Order = 'fixed ABBA' | 'randomized blocks'

async function decideOnce(order: Order, effect: number, period: number | undefined): Promise<{ outcome: string; pairs: number; error: number }> {
  const runArm = commandRuns(effect, period)
  const runner: ArmRunner =
    order === 'fixed ABBA' ? { run: (arm) => runArm(arm) } : interleavedArmRunner(runArm, new InterleavedSchedule(Math.floor(random.uniform() * 2 ** 32)))
  const result = await confirmOnSameRunner({ targets: [target], runner, decide, looks: DEFAULT_SUITE_LOOKS, log: new MemoryLogger() })
  const confirmation = result.confirmations[0]!
  return { outcome: confirmation.outcome, pairs: result.pairs, error: Math.abs((confirmation.change?.ratio ?? 1) - (1 + effect)) }
}

function percent(count: number): string {
  return `${((count / REPS) * 100).toFixed(1)}%`.padStart(7)
}

console.log(`Suite A/B, threshold +10%, looks ${DEFAULT_SUITE_LOOKS.join('/')} pairs, ${REPS} decisions per row, seed ${flags.seed}`)
console.log('order              disturbance      change   fail    pass+impr  inconcl.  median pairs  median |error|')
for (const period of [undefined, 4, 6]) {
  for (const effect of [0, 0.05, 0.3]) {
    for (const order of ['fixed ABBA', 'randomized blocks'] as Order[]) {
      const outcomes: string[] = []
      const pairs: number[] = []
      const errors: number[] = []
      for (let rep = 0; rep < REPS; rep++) {
        const decided = await decideOnce(order, effect, period)
        outcomes.push(decided.outcome)
        pairs.push(decided.pairs)
        errors.push(decided.error)
      }
      errors.sort((a, b) => a - b)
      const count = (...kinds: string[]) => outcomes.filter((outcome) => kinds.includes(outcome)).length
      pairs.sort((a, b) => a - b)
      const disturbance = period ? `every ${period}th run` : 'none'
      console.log(
        `${order.padEnd(18)} ${disturbance.padEnd(16)} ${`+${effect * 100}%`.padEnd(7)} ${percent(count('fail'))}  ${percent(count('pass', 'improved'))}    ${percent(count('inconclusive'))}   ${String(pairs[Math.floor(REPS / 2)]).padEnd(12)}  ${(errors[Math.floor(REPS / 2)]! * 100).toFixed(1)} pts`
      )
    }
  }
}
