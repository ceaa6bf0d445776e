/**
 * How long should an interleaved slice be? Two identical servers side by side on the bench's busy 2-core runner
 * (bench/busy-runner.ts), loaded in turn (ABBA) in slices of each length, the lengths taking turns round by round.
 * A pair's evidence is ln(head / base) of a metric; with nothing changed its spread is pure noise. What decides how
 * fast an A/B can decide is that spread per second of wall clock: the variance of a pair (20 % winsorized, as the
 * paired rule trims) times the seconds a pair takes (both slices and the passes' start and end). Lower is faster.
 *
 * Usage: node --import tsx bench/slice-noise.ts [--lengths 0.25,0.5,1] [--seconds 40] [--rounds 2]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { quantileSorted, sampleStandardDeviation } from 'simple-statistics'
import { DuetSession } from '../src/confirm/duet/duet-load.js'
import { MemoryLogger } from '../src/log.js'
import { freeLoopbackPort } from '../src/run/load/free-port.js'
import { interruptSignal, serverLoad, startBackground, writeServer } from './busy-runner.js'

const { values: flags } = parseArgs({
  options: {
    lengths: { type: 'string', default: '0.25,0.5,1' },
    /** Seconds of slices per length and round. */
    seconds: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '2' }
  }
})
const LENGTHS = flags.lengths.split(',').map(Number)
const METRICS = ['p50', 'p95'] as const

/** The sd of the values with the lowest and highest 20 % set to the nearest kept value. */
function winsorizedSd(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const low = quantileSorted(sorted, 0.2)
  const high = quantileSorted(sorted, 0.8)
  return sampleStandardDeviation(values.map((value) => Math.min(high, Math.max(low, value))))
}

interface Measured {
  ratios: Record<(typeof METRICS)[number], number[]>
  secondsPerPair: number
}

async function measure(dir: string, sliceSeconds: number): Promise<Measured> {
  const load = await serverLoad(dir, 1, await freeLoopbackPort(), 1, 2)
  const session = await DuetSession.start(
    { base: load, head: load },
    { layout: 'alternating', loop: 'closed', sliceSeconds },
    new MemoryLogger(),
    interruptSignal
  )
  const ratios: Measured['ratios'] = { p50: [], p95: [] }
  const pairs = Math.max(10, Math.round(Number(flags.seconds) / (2 * sliceSeconds)))
  const started = performance.now()
  try {
    for (let pair = 0; pair < pairs && !interruptSignal.aborted; pair++) {
      const { base, head } = await session.slice()
      for (const metric of METRICS) {
        ratios[metric].push(Math.log(head.scenarios[0]!.trials[0]!.metrics[metric]!.value / base.scenarios[0]!.trials[0]!.metrics[metric]!.value))
      }
    }
  } finally {
    await session.stop()
  }
  return { ratios, secondsPerPair: (performance.now() - started) / 1000 / pairs }
}

const dir = await mkdtemp(join(tmpdir(), 'perf-gate-slice-noise-'))
const background = startBackground()
const measured = new Map<number, Measured[]>()
try {
  await writeServer(dir)
  for (let round = 0; round < Number(flags.rounds) && !interruptSignal.aborted; round++) {
    // Alternate the order of the lengths, so that a change of the runner's mood falls on all of them.
    for (const length of round % 2 === 0 ? LENGTHS : [...LENGTHS].reverse()) {
      const result = await measure(dir, length)
      measured.set(length, [...(measured.get(length) ?? []), result])
      console.error(`round ${round + 1}: ${length} s slices, ${result.ratios.p50.length} pairs, ${result.secondsPerPair.toFixed(2)} s per pair`)
    }
  }
  console.log(`\nIdentical servers, interleaved slices on a busy 2-core runner, ${flags.rounds} round(s) of about ${flags.seconds} s per length:\n`)
  console.log(
    '| slice | pairs | s per pair | p50: sd of ln ratio | winsorized | variance × s per pair | p95: sd of ln ratio | winsorized | variance × s per pair |'
  )
  console.log('|---|---|---|---|---|---|---|---|---|')
  for (const length of LENGTHS) {
    const runs = measured.get(length) ?? []
    if (runs.length === 0) continue
    const secondsPerPair = runs.reduce((sum, run) => sum + run.secondsPerPair, 0) / runs.length
    const cells = METRICS.flatMap((metric) => {
      const ratios = runs.flatMap((run) => run.ratios[metric])
      const winsorized = winsorizedSd(ratios)
      return [sampleStandardDeviation(ratios).toFixed(3), winsorized.toFixed(3), (winsorized ** 2 * secondsPerPair).toFixed(4)]
    })
    console.log(`| ${length} s | ${runs.reduce((sum, run) => sum + run.ratios.p50.length, 0)} | ${secondsPerPair.toFixed(2)} | ${cells.join(' | ')} |`)
  }
} finally {
  background.forEach((child) => child.kill('SIGKILL'))
  await rm(dir, { recursive: true, force: true })
}
