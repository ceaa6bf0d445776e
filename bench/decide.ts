/**
 * How fast and how right load A/B decides on a busy runner, for each way of running the arms, side by side in one run:
 *   npm run bench:decide                        (DECISIONS=20 per cell for the full table: hours on 2 cores)
 *   DECISIONS=3 BUDGET=180 npm run bench:decide  (a short look; METHODS=sequential,slices,slices-open,duet,duet-closed
 *                                                 for every variant)
 *
 * The machine is kept busy by the bench itself (bench/busy-runner.ts: a CPU hog and a neighbour spinning in random
 * bursts of 0.1–2 s). The server under test is CPU-bound: each
 * request spins for 1 ms times the arm's factor, calibrated first on the idle machine so that the endpoint's measured
 * latency changes by the case's amount (+30 % latency took 1.33–1.34× the work: HTTP handling costs both alike).
 * Each decision is one same-runner A/B of p50 and p95 through the gate's own code (the paired rule, its looks and its
 * error budget), with a time budget; the methods take turns decision by decision, so the runner's mood hits them
 * alike:
 *   - sequential: today's arms, one after the other, each a fresh server, a 1 s warm-up and a 3 s trial (shorter
 *     than the gate's standard 3 s + 10 s, which only favours it here); looks at 6, 12 and 20 pairs;
 *   - slices: both servers up side by side, one arm loaded per slice in ABBA order ("interleaved slices": 0.25 s
 *     here, the shipped rule), with
 *     the scenario's 4 connections (closed loop); slices-open: the same at one open-loop rate (half the slower arm's
 *     capacity);
 *   - duet: both servers loaded in the same 1 s slices at one open-loop rate (half the slower arm's capacity), which
 *     arm starts first alternating; duet-closed: the same with 4 connections on each arm;
 *   slices and duets look at the shipped DEFAULT_DUET_LOOKS (10, 20, 40, 80 and 160 slices).
 * As in the gate, the A/B stops once the scenario has a failed metric (that fails the gate); each decision's line says how each metric
 * ended and at how many pairs.
 * Cases (issue 16): unchanged code and +30 % at the default threshold (+20 %), +15 % at +10 %. A decision is "fail"
 * when any metric fails, "pass" when every metric passes (or is improved), else "inconclusive". Seconds are
 * wall-clock from the A/B's start (servers and warm-up included) to its decision.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median } from 'simple-statistics'
import type { LoadSource } from '../src/config/settings.js'
import { DEFAULT_CONFIRM_LOOKS, DEFAULT_DUET_LOOKS } from '../src/config/settings.js'
import { armSource } from '../src/confirm/confirm-on-base.js'
import { DuetSession, type DuetOptions } from '../src/confirm/duet/duet-load.js'
import { duetArmRunner } from '../src/confirm/duet/duet-runner.js'
import { confirmOnSameRunner, type ArmRunner } from '../src/confirm/paired-runs.js'
import { MemoryLogger } from '../src/log.js'
import { freeLoopbackPort } from '../src/run/load/free-port.js'
import { produceResults } from '../src/run/run-source.js'
import { createPairedDecider, type ConfirmTarget } from '../src/verdict/paired-decider.js'
import { interruptSignal, serverLoad, startBackground, writeServer } from './busy-runner.js'

const DECISIONS = Number(process.env.DECISIONS ?? 20)
const BUDGET_SECONDS = Number(process.env.BUDGET ?? 300)
/**
 * The cases of issue 16: unchanged and +30 % at the default threshold (+20 %), +15 % at +10 %. `slowdown` is the
 * change of the endpoint's measured latency; the work factor that makes it is calibrated on the idle machine first
 * (HTTP handling adds the same time to both arms, so 1.3× the work measured only about +25 %).
 */
const ALL_CASES = [
  { name: 'unchanged', slowdown: 1, threshold: 0.2 },
  { name: '+30 %', slowdown: 1.3, threshold: 0.2 },
  { name: '+15 % (at +10 %)', slowdown: 1.15, threshold: 0.1 }
] as const
/** CASES=unchanged (or a comma list of names' starts: unchanged,+30) runs only those cases, e.g. after a change to the pass rule. */
const CASES = ALL_CASES.filter((testCase) => (process.env.CASES ?? '').split(',').some((start) => testCase.name.startsWith(start.trim())))
/** Each duet method's layout and load (sequential is today's arms). */
const DUET_METHODS: Record<string, DuetOptions> = {
  slices: { layout: 'alternating', loop: 'closed' },
  'slices-open': { layout: 'alternating', loop: 'open' },
  duet: { layout: 'together', loop: 'open' },
  'duet-closed': { layout: 'together', loop: 'closed' }
}
type Method = 'sequential' | keyof typeof DUET_METHODS
const METHODS: Method[] = (process.env.METHODS ?? 'sequential,slices,duet').split(',').filter((m) => m === 'sequential' || m in DUET_METHODS)
/** Sequential arms decide in every this-many-th round only (they take minutes per decision): EVERY_SEQUENTIAL=5 with DECISIONS=20 gives 4. */
const EVERY_SEQUENTIAL = Number(process.env.EVERY_SEQUENTIAL ?? 1)

interface Decision {
  outcome: 'fail' | 'pass' | 'inconclusive'
  seconds: number
  pairs: number
  /** How each metric ended, e.g. "p50 fail at 20, p95 inconclusive at 20". */
  metrics: string
}

const signal = interruptSignal

/** The server's load as the method runs it: sequential arms a 1 s warm-up and a 3 s trial, slices a 2 s warm-up. */
function loadSource(dir: string, factor: number, port: number, method: Method): Promise<LoadSource> {
  return method === 'sequential' ? serverLoad(dir, factor, port, 3, 1) : serverLoad(dir, factor, port, 1, 2)
}

async function decide(method: Method, factor: number, threshold: number, dir: string, port: number): Promise<Decision> {
  const log = new MemoryLogger()
  const base = await loadSource(dir, 1, port, method)
  const head = await loadSource(dir, factor, port, method)
  const targets: ConfirmTarget[] = ['p50', 'p95'].map((metric) => ({
    scenario: base.scenarios[0]!.name,
    metric,
    direction: 'lower' as const,
    worseFraction: threshold,
    text: `+${threshold * 100}%`
  }))
  const started = Date.now()
  let duet: DuetSession | undefined
  try {
    let runner: ArmRunner
    if (method === 'sequential') {
      const arms = { base: armSource(base), head: armSource(head) }
      runner = { run: (arm) => produceResults(arms[arm], { log, rootDir: dir, signal }) }
    } else {
      duet = await DuetSession.start({ base, head }, DUET_METHODS[method]!, log, signal)
      runner = duetArmRunner(duet)
    }
    const result = await confirmOnSameRunner({
      targets,
      runner,
      decide: createPairedDecider(),
      looks: method === 'sequential' ? DEFAULT_CONFIRM_LOOKS : DEFAULT_DUET_LOOKS,
      log,
      deadline: started + BUDGET_SECONDS * 1000
    })
    const outcomes = result.confirmations.map((c) => c.outcome)
    const outcome = outcomes.includes('fail') ? 'fail' : outcomes.every((o) => o === 'pass' || o === 'improved') ? 'pass' : 'inconclusive'
    const metrics = result.confirmations.map((c) => `${c.target.metric} ${c.outcome} at ${c.pairs}`).join(', ')
    return { outcome, seconds: (Date.now() - started) / 1000, pairs: result.pairs, metrics }
  } finally {
    await duet?.stop()
  }
}

function row(method: Method, caseName: string, decisions: Decision[]): string {
  const count = (outcome: Decision['outcome']): number => decisions.filter((d) => d.outcome === outcome).length
  const decided = decisions.filter((d) => d.outcome !== 'inconclusive')
  const seconds = (list: Decision[]): string => (list.length ? median(list.map((d) => d.seconds)).toFixed(0) : '-')
  const pairs = decisions.length ? median(decisions.map((d) => d.pairs)).toFixed(0) : '-'
  return `| ${method} | ${caseName} | ${count('fail')} | ${count('pass')} | ${count('inconclusive')} | ${seconds(decided)} | ${seconds(decisions)} | ${pairs} |`
}

/** The table so far: printed after every round, so an interrupted bench still shows what it measured. */
function printTable(results: Map<string, Decision[]>, rounds: number, startedAt: number): void {
  console.log(
    `\nLoad A/B on a busy 2-core runner (a CPU hog + a bursty neighbour), CPU-bound endpoint, p50 and p95; ` +
      `${rounds} decision(s) per cell, budget ${BUDGET_SECONDS} s each, ${((Date.now() - startedAt) / 60000).toFixed(0)} min so far:\n`
  )
  console.log('| method | change | fail | pass | inconclusive | median s to a decision | median s overall | median pairs |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const testCase of CASES) for (const method of METHODS) console.log(row(method, testCase.name, results.get(`${method}\u0000${testCase.name}`) ?? []))
}

/** The endpoint's p50 (ms) at a work factor: its own server, a 1 s warm-up and 3 s of the scenario's closed loop. */
async function p50At(dir: string, factor: number): Promise<number> {
  const source = await loadSource(dir, factor, await freeLoopbackPort(), 'sequential')
  const results = await produceResults(armSource(source), { log: new MemoryLogger(), rootDir: dir, signal })
  return results.scenarios[0]!.trials[0]!.metrics.p50!.value
}

/**
 * The work factor that slows the measured latency by `slowdown`, on the idle machine: latency grows linearly with the
 * work (p50 at factors 1 and 2), on top of what HTTP handling costs both arms alike.
 */
async function calibrate(dir: string): Promise<Map<number, number>> {
  const [one, two] = [await p50At(dir, 1), await p50At(dir, 2)]
  const factors = new Map(CASES.map((testCase) => [testCase.slowdown, 1 + ((testCase.slowdown - 1) * one) / (two - one)]))
  console.error(
    `calibrated on the idle machine: p50 ${one.toFixed(3)} ms at 1× the work, ${two.toFixed(3)} ms at 2×; ` +
      CASES.map((testCase) => `${testCase.name} → ${factors.get(testCase.slowdown)!.toFixed(3)}× the work`).join(', ')
  )
  return factors
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'perf-gate-decide-'))
  await writeServer(dir)
  const factors = await calibrate(dir)
  const background = startBackground()
  const results = new Map<string, Decision[]>()
  const benchStarted = Date.now()
  try {
    for (let round = 1; round <= DECISIONS && !signal.aborted; round++) {
      for (const testCase of CASES) {
        for (const method of METHODS) {
          if (signal.aborted) break
          if (method === 'sequential' && (round - 1) % EVERY_SEQUENTIAL !== 0) continue
          const decision = await decide(method, factors.get(testCase.slowdown)!, testCase.threshold, dir, await freeLoopbackPort()).catch((error: unknown) => {
            if (signal.aborted) return undefined
            throw error
          })
          if (!decision) break
          const key = `${method}\u0000${testCase.name}`
          results.set(key, [...(results.get(key) ?? []), decision])
          console.error(
            `round ${round}/${DECISIONS} ${testCase.name} ${method}: ${decision.outcome} after ${decision.seconds.toFixed(0)} s, ${decision.pairs} pairs (${decision.metrics})`
          )
        }
      }
      if (!signal.aborted) printTable(results, round, benchStarted)
    }
  } finally {
    background.forEach((child) => child.kill('SIGKILL'))
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
