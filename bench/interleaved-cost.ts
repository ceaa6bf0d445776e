/**
 * What does a suite A/B cost, and how often does it decide? A suite with `repeat: 5` measured as whole-suite arms
 * (before: each arm five command runs, the pair compares their medians) against one command run per arm in
 * randomized ABBA blocks, for a few plans of looks. Simulated with confirmOnSameRunner() and the shipped paired rule;
 * threshold +10%; noise per command run log-sd 3% (a quiet runner) or 15% (a busy 2-core machine: this project's
 * build machine under its other jobs gave 145–260 ms for one 180 ms loop), plus one run in 30 hit by a one-sided
 * shock |N(0, 0.25)|.
 *
 * Usage: node --import tsx bench/interleaved-cost.ts [--reps 400] [--seed 1]
 */
import { parseArgs } from 'node:util'
import { DEFAULT_SUITE_LOOKS } from '../src/config/settings.js'
import { InterleavedSchedule, interleavedArmRunner } from '../src/confirm/interleaved-runs.js'
import { confirmOnSameRunner, type Arm, type ArmRunner } from '../src/confirm/paired-runs.js'
import { MemoryLogger } from '../src/log.js'
import type { Results } from '../src/results/model.js'
import { createPairedDecider, type ConfirmTarget } from '../src/verdict/paired-decider.js'
import { seededRandom } from './seeded-random.js'

const { values: flags } = parseArgs({ options: { reps: { type: 'string', default: '400' }, seed: { type: 'string', default: '1' } } })
const REPS = Number(flags.reps)
const random = seededRandom(Number(flags.seed))
const REPEAT = 5
const SHOCK_RATE = 1 / 30
const SHOCK_SD = 0.25
const target: ConfirmTarget = { scenario: 'parse', metric: 'mean', direction: 'lower', worseFraction: 0.1, text: '+10%' }
const decide = createPairedDecider()

function resultsOf(values: number[]): Results {
  return { schemaVersion: 1, scenarios: [{ name: 'parse', trials: values.map((value) => ({ metrics: { mean: { value, unit: 'ms', direction: 'lower' } } })) }] }
}

function commandRun(arm: Arm, effect: number, noise: number): number {
  const shock = random.uniform() < SHOCK_RATE ? Math.abs(random.normal()) * SHOCK_SD : 0
  return 100 * (arm === 'head' ? 1 + effect : 1) * Math.exp(random.normal() * noise + shock)
}

interface Plan {
  name: string
  looks: number[]
  /** Command runs per arm of a pair. */
  runsPerArm: number
}

const PLANS: Plan[] = [
  { name: 'whole-suite arms (before), looks 6/12/20', looks: [6, 12, 20], runsPerArm: REPEAT },
  { name: 'one run per arm, looks 6/12/20', looks: [6, 12, 20], runsPerArm: 1 },
  { name: 'one run per arm, looks 6/12/24/48/96', looks: [6, 12, 24, 48, 96], runsPerArm: 1 },
  { name: 'one run per arm, looks 10/20/40/80 (default)', looks: DEFAULT_SUITE_LOOKS, runsPerArm: 1 }
]

async function decideOnce(plan: Plan, effect: number, noise: number): Promise<{ outcome: string; runs: number }> {
  let runs = 0
  const runArm = async (arm: Arm): Promise<Results> => {
    runs += plan.runsPerArm
    return resultsOf(Array.from({ length: plan.runsPerArm }, () => commandRun(arm, effect, noise)))
  }
  const runner: ArmRunner =
    plan.runsPerArm === 1 ? interleavedArmRunner(runArm, new InterleavedSchedule(Math.floor(random.uniform() * 2 ** 32))) : { run: (arm) => runArm(arm) }
  const result = await confirmOnSameRunner({ targets: [target], runner, decide, looks: plan.looks, log: new MemoryLogger() })
  return { outcome: result.confirmations[0]!.outcome, runs }
}

const percent = (count: number): string => `${((count / REPS) * 100).toFixed(1)}%`.padStart(6)

console.log(`Suite A/B of a repeat: ${REPEAT} suite, threshold +10%, ${REPS} decisions per row, seed ${flags.seed}`)
console.log(`${'plan'.padEnd(46)} noise  change  fail    pass   inconcl.  mean command runs`)
for (const noise of [0.03, 0.15]) {
  for (const effect of [0, 0.15, 0.3]) {
    for (const plan of PLANS) {
      const outcomes: string[] = []
      let runs = 0
      for (let rep = 0; rep < REPS; rep++) {
        const decided = await decideOnce(plan, effect, noise)
        outcomes.push(decided.outcome)
        runs += decided.runs
      }
      const count = (...kinds: string[]) => outcomes.filter((outcome) => kinds.includes(outcome)).length
      console.log(
        `${plan.name.padEnd(46)} ${`${noise * 100}%`.padEnd(6)} ${`+${effect * 100}%`.padEnd(7)} ${percent(count('fail'))}  ${percent(count('pass', 'improved'))}  ${percent(count('inconclusive'))}    ${(runs / REPS).toFixed(0)}`
      )
    }
  }
}
