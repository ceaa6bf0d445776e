/**
 * Does change-point detection on the default branch's history catch a step and a slow drift, how late, and how often
 * does it flag a step that is not there? Simulated with the shipped detector (src/stats/change-points.ts) run the way
 * the gate runs it: at every push, over the last `history` (50) stored runs, minimum magnitude = the rule's threshold
 * (10 %), p ≤ 0.001. Noise of each stored run's value: log-sd 3 / 5 / 10 %, and 10 % of runs hit by a one-sided shock
 * (a noisy neighbour: |N(0, 0.3)| slower), never only Gaussian.
 *
 * Series: 40 runs at a steady level, then from push k = 40
 * - step: a single +20 % step;
 * - drift: +5 % per commit over 6 commits (+34 % in all), then steady;
 * - none: no change (the whole series is steady);
 * followed by 20 more pushes. A change point counts as the event when it lies within 2 runs of the step (drift:
 * from 2 before its start to 2 after its end); the delay is the number of pushes after the one that brought the change
 * (0 = flagged on the push of the commit itself). Any other change point ever reported is false; false points are
 * counted once per index, per 100 pushes examined (pushes 10 to 60).
 *
 * Usage: node --import tsx bench/changepoints.ts [--reps 300] [--seed 1] [--min-segment 3]  (1 = Otava as published)
 */
import { parseArgs } from 'node:util'
import { detectChangePoints } from '../src/stats/change-points.js'
import { seededRandom } from './seeded-random.js'

const { values: flags } = parseArgs({
  options: { reps: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' }, 'min-segment': { type: 'string', default: '3' } }
})
const reps = Number(flags.reps)
const NOISE = [0.03, 0.05, 0.1]
const SHOCK_RATE = 0.1
const SHOCK_SD = 0.3
const THRESHOLD = 0.1
const HISTORY = 50
const EVENT_AT = 40
const AFTER = 20
const FIRST_PUSH = 10
const MIN_SEGMENT = Number(flags['min-segment'])

const random = seededRandom(Number(flags.seed))

type Scenario = 'step' | 'drift' | 'none'
const LEVEL: Record<Scenario, (i: number) => number> = {
  step: (i) => (i < EVENT_AT ? 1 : 1.2),
  drift: (i) => 1.05 ** Math.min(Math.max(i - EVENT_AT + 1, 0), 6),
  none: () => 1
}
const EVENT_SPAN: Record<Scenario, [number, number] | undefined> = {
  step: [EVENT_AT - 2, EVENT_AT + 2],
  drift: [EVENT_AT - 2, EVENT_AT + 5 + 2],
  none: undefined
}

function series(scenario: Scenario, noise: number): number[] {
  return Array.from({ length: EVENT_AT + AFTER }, (_, i) => {
    const shock = random.uniform() < SHOCK_RATE ? Math.abs(random.normal()) * SHOCK_SD : 0
    return 100 * LEVEL[scenario](i) * Math.exp(noise * random.normal() + shock)
  })
}

interface Outcome {
  delay: number | undefined
  falsePoints: number
  pushes: number
}

/** Push by push, as the gate sees it: detection over the last HISTORY stored runs after each push. */
function followPushes(values: number[], scenario: Scenario): Outcome {
  const span = EVENT_SPAN[scenario]
  const falseIndexes = new Set<number>()
  let delay: number | undefined
  let pushes = 0
  for (let count = FIRST_PUSH; count <= values.length; count++) {
    pushes++
    const from = Math.max(0, count - HISTORY)
    for (const point of detectChangePoints(values.slice(from, count), { minMagnitude: THRESHOLD, maxPValue: 0.001, minSegment: MIN_SEGMENT })) {
      const index = point.index + from
      if (span && index >= span[0] && index <= span[1]) delay ??= count - 1 - EVENT_AT
      else falseIndexes.add(index)
    }
  }
  return { delay, falsePoints: falseIndexes.size, pushes }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

console.log(
  `Change points over the last ${HISTORY} runs at every push, min magnitude ${THRESHOLD * 100} %, p ≤ 0.001, ≥ ${MIN_SEGMENT} runs per segment; ${reps} series per row;`
)
console.log(`${SHOCK_RATE * 100} % of runs hit by a one-sided shock |N(0, ${SHOCK_SD})|; event at push ${EVENT_AT}, ${AFTER} pushes after.\n`)
console.log('| noise | series | detected | delay median (p90), pushes | false change points / 100 pushes |')
console.log('|---|---|---|---|---|')
const started = Date.now()
for (const noise of NOISE) {
  for (const scenario of ['step', 'drift', 'none'] as const) {
    const delays: number[] = []
    let falsePoints = 0
    let pushes = 0
    for (let rep = 0; rep < reps; rep++) {
      const outcome = followPushes(series(scenario, noise), scenario)
      if (outcome.delay !== undefined) delays.push(outcome.delay)
      falsePoints += outcome.falsePoints
      pushes += outcome.pushes
    }
    delays.sort((a, b) => a - b)
    const detected = scenario === 'none' ? '—' : `${((100 * delays.length) / reps).toFixed(1)} %`
    const delay = scenario === 'none' || delays.length === 0 ? '—' : `${quantile(delays, 0.5)} (${quantile(delays, 0.9)})`
    const label = { step: '+20 % step', drift: '+5 %/commit × 6', none: 'no change' }[scenario]
    console.log(`| ${noise * 100} % | ${label} | ${detected} | ${delay} | ${((100 * falsePoints) / pushes).toFixed(2)} |`)
  }
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`)
