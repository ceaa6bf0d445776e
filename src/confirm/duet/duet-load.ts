/**
 * Base and head servers side by side (both up at once, each on its own free port), so that a pair of arms is measured
 * within seconds and without a server start between them. Two layouts:
 *   - together, the duet (Bulej et al., "Duet Benchmarking", ICPE 2020): both arms loaded in the same 1 s slice by
 *     one process, so whatever the runner does in that second hits both alike;
 *   - alternating, interleaved slices: one arm loaded per slice (a quarter of a second, or as long as it takes to
 *     hold 200 requests, up to 2 s), in ABBA order, the other server idle meanwhile.
 * Each slice of both arms is one pair; the paired rule decides on the slices with its sequential looks.
 *
 * Loaded together, the arms share the CPU, so a saturating closed loop would let a slower server steal CPU from the
 * faster one: the duet offers an open-loop rate, half the slower arm's closed-loop capacity measured while both warm
 * up together (unless the scenario fixes a rate), and a slice in which an arm falls well behind that rate is reported
 * as saturated. Alternating slices load one server at a time, so closed loop (the scenario's connections) is fair
 * there, and it is steadier: open-loop queues amplify every scheduling stall of a busy runner.
 */
import { RunError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { LoadScenarioSettings, LoadSource } from '../../config/settings.js'
import { buildResults } from '../../formats/results-builder.js'
import type { Results, Trial } from '../../results/model.js'
import { freeLoopbackPort } from '../../run/load/free-port.js'
import { runLoadPass } from '../../run/load/load-pass.js'
import { ManagedServer, PortIgnoredError } from '../../run/load/server.js'
import { TrialRecorder } from '../../run/load/trial-recorder.js'
import type { Arm } from '../paired-runs.js'

/** Length of one paired slice of the duet (both arms loaded in it). */
export const DUET_SLICE_SECONDS = 1
/**
 * Interleaved slices are as short as this: a busy runner's noise comes and goes within seconds (a neighbour's bursts),
 * and it lands on both arms of a pair only when they alternate quickly. On the benches' busy 2-core machine the p95
 * of 0.25–0.5 s slices varied 3–5× less per second of measuring than that of 1 s slices (bench/slice-noise.ts: a
 * pair's winsorized variance times its seconds), and load A/B decided faster than with sequential arms
 * (bench/decide.ts; docs/ab-testing.md quotes the runs).
 */
const MIN_INTERLEAVED_SLICE_SECONDS = 0.25
/** ... but long enough to hold this many requests per arm (a p95 rests on the slowest twentieth of them) ... */
const MIN_REQUESTS_PER_SLICE = 200
/** ... and no longer than this, for slow endpoints: a pair must stay short next to the runner's changes. */
const MAX_INTERLEAVED_SLICE_SECONDS = 2
/** Offered load as a share of the slower arm's capacity when both run at once. */
const OFFERED_SHARE_OF_CAPACITY = 0.5
/** Warm-up of both arms together, at least this long: it also measures their capacity. */
const MIN_WARMUP_SECONDS = 2
/** An arm that achieves less than this share of the offered rate in a slice was saturated. */
const SATURATED_SHARE = 0.9
const MAX_FAILURE_FRACTION = 0.5

export interface DuetArms {
  base: LoadSource
  head: LoadSource
}

/**
 * How the two arms share a slice: `together`, both loaded in the same second (the duet), or `alternating`, both
 * servers up but one arm loaded per slice, in ABBA order ("interleaved slices", the layout bench/decide.ts weighs the
 * duet against: no CPU shared between the arms while measuring, but noise that changes within seconds lands between
 * them).
 */
export type DuetLayout = 'together' | 'alternating'

/**
 * How the arms are loaded in a slice when the scenario fixes no rate: `open`, the same arrival rate on each (half the
 * slower arm's capacity), or `closed`, the scenario's connections on each, every arm as busy as it can be.
 */
export type DuetLoop = 'open' | 'closed'

export interface DuetOptions {
  layout: DuetLayout
  loop: DuetLoop
  /** Length of one slice; when not set, 1 s for the duet and from the arms' rate for interleaved slices. */
  sliceSeconds?: number
}

/** One arm's server and the scenarios pointed at its own port. */
interface ArmSide {
  server: ManagedServer
  scenarios: LoadScenarioSettings[]
}

/** Both arms' servers, started and warmed; `slice()` measures one pair of each scenario. */
export class DuetSession {
  /** Per scenario: the open-loop rate each arm is offered; none for a closed loop. */
  private readonly rates = new Map<string, number>()
  /** Per scenario: the length of its slices. */
  private readonly sliceSeconds = new Map<string, number>()
  private saturatedSlices = 0
  private slices = 0

  private constructor(
    private readonly sides: Record<Arm, ArmSide>,
    private readonly log: Logger,
    private readonly signal: AbortSignal | undefined,
    private readonly options: DuetOptions
  ) {}

  /** Starts both servers on free ports (passed as PORT), waits for both, and warms them up together. */
  static async start(arms: DuetArms, options: DuetOptions, log: Logger, signal?: AbortSignal): Promise<DuetSession> {
    const sides: Partial<Record<Arm, ArmSide>> = {}
    try {
      for (const arm of ['base', 'head'] as const) sides[arm] = await startSide(arm, arms[arm], log, signal)
      const session = new DuetSession(sides as Record<Arm, ArmSide>, log, signal, options)
      await session.warmUp()
      return session
    } catch (error) {
      await Promise.all(Object.values(sides).map((side) => side.server.stop()))
      throw error
    }
  }

  /** What the report should say about how the arms were run. */
  describe(): string {
    const loads = this.sides.base.scenarios
      .map((scenario) => {
        const rate = this.rates.get(scenario.name)
        const load = rate ? `${scenario.name} at ${rate} req/s per arm` : `${scenario.name} with ${scenario.connections} connections per arm`
        return `${load} in ${this.sliceSeconds.get(scenario.name)} s slices`
      })
      .join(', ')
    const saturated = this.saturatedSlices > 0 ? `; ${this.saturatedSlices} of ${this.slices} slice(s) had an arm behind the offered rate` : ''
    const how = this.options.layout === 'together' ? 'loaded together' : 'loaded in turn (ABBA)'
    return `${this.options.layout === 'together' ? 'duet' : 'interleaved slices'}: base and head servers side by side, ${how} in slices (${loads})${saturated}`
  }

  /** Measures one slice of every scenario on both arms at once: one trial per scenario and arm. */
  async slice(): Promise<Record<Arm, Results>> {
    const trials: Record<Arm, Array<{ name: string; trial: Trial }>> = { base: [], head: [] }
    for (const [index, scenario] of this.sides.base.scenarios.entries()) {
      const rate = this.rates.get(scenario.name)
      const measureArm = (arm: Arm): Promise<Trial> => this.measure(arm, this.sides[arm].scenarios[index]!, this.sliceSeconds.get(scenario.name)!, rate)
      const [base, head] = this.options.layout === 'together' ? await this.together(measureArm) : await this.alternate(measureArm)
      this.slices++
      if (rate && [base, head].some((recorded) => recorded.metrics.rps!.value < SATURATED_SHARE * rate)) this.saturatedSlices++
      trials.base.push({ name: scenario.name, trial: base })
      trials.head.push({ name: scenario.name, trial: head })
    }
    const results = (arm: Arm): Results =>
      buildResults(
        'perf-gate',
        trials[arm].map(({ name, trial }) => ({ name, kind: 'load' as const, trials: [trial] })),
        'load',
        { createdAt: new Date().toISOString() }
      )
    return { base: results('base'), head: results('head') }
  }

  /**
   * Both arms at once. Which arm's pass starts first alternates (ABBA): the first gets its connections open and its
   * first requests out a moment earlier, and with the base always first, identical servers measured a steady 5–10 %
   * apart on a busy machine.
   */
  private async together(measureArm: (arm: Arm) => Promise<Trial>): Promise<[Trial, Trial]> {
    if (this.slices % 2 === 0) return Promise.all([measureArm('base'), measureArm('head')])
    const [head, base] = await Promise.all([measureArm('head'), measureArm('base')])
    return [base, head]
  }

  /** One arm after the other, base first in even slices and head first in odd ones (ABBA). */
  private async alternate(measureArm: (arm: Arm) => Promise<Trial>): Promise<[Trial, Trial]> {
    if (this.slices % 2 === 0) {
      const base = await measureArm('base')
      return [base, await measureArm('head')]
    }
    const head = await measureArm('head')
    return [await measureArm('base'), head]
  }

  async stop(): Promise<void> {
    await Promise.all([this.sides.base.server.stop(), this.sides.head.server.stop()])
  }

  /** Both arms warm up together in closed loop; for an open loop, their rates then set the offered load (unless a rate is fixed). */
  private async warmUp(): Promise<void> {
    for (const [index, scenario] of this.sides.base.scenarios.entries()) {
      const seconds = Math.max(MIN_WARMUP_SECONDS, scenario.warmupSeconds)
      const [base, head] = await Promise.all((['base', 'head'] as const).map((arm) => this.measure(arm, this.sides[arm].scenarios[index]!, seconds)))
      const capacity = Math.min(base!.metrics.rps!.value, head!.metrics.rps!.value)
      const rate = scenario.ratePerSecond ?? (this.options.loop === 'open' ? Math.max(1, Math.floor(OFFERED_SHARE_OF_CAPACITY * capacity)) : undefined)
      if (rate) this.rates.set(scenario.name, rate)
      this.log.info(
        `${scenario.name}: both servers warmed up together (base ${base!.metrics.rps!.value.toFixed(0)} req/s, head ${head!.metrics.rps!.value.toFixed(0)} req/s closed loop); ${rate ? `offering ${rate} req/s to each arm` : `${scenario.connections} connections on each arm`}`
      )
      this.sliceSeconds.set(scenario.name, this.options.sliceSeconds ?? (await this.sliceLength(index, rate)))
    }
  }

  /**
   * The duet's 1 s, or an interleaved slice as short as holds enough requests (see above) at the scenario's rate, or
   * in closed loop at the rate one arm reaches alone: the warm-up loaded both at once, which halves it on a busy
   * runner, so a shortest slice of the base arm measures it.
   */
  private async sliceLength(index: number, rate: number | undefined): Promise<number> {
    if (this.options.layout === 'together') return DUET_SLICE_SECONDS
    const alone = rate ?? (await this.measure('base', this.sides.base.scenarios[index]!, MIN_INTERLEAVED_SLICE_SECONDS)).metrics.rps!.value
    const seconds = Math.ceil((20 * MIN_REQUESTS_PER_SLICE) / Math.max(alone, 1e-9)) / 20
    return Math.min(MAX_INTERLEAVED_SLICE_SECONDS, Math.max(MIN_INTERLEAVED_SLICE_SECONDS, seconds))
  }

  /** One pass on one arm; a pass where most requests failed, or a server that died, is a run failure naming the arm. */
  private async measure(arm: Arm, scenario: LoadScenarioSettings, seconds: number, rate?: number): Promise<Trial> {
    const side = this.sides[arm]
    const recorder = new TrialRecorder(scenario.endpoints.map((endpoint) => endpoint.name))
    try {
      const outcome = await runLoadPass({
        endpoints: scenario.endpoints,
        connections: scenario.connections,
        durationSeconds: seconds,
        ...(rate ? { ratePerSecond: rate } : !rate && scenario.thinkTime ? { thinkTime: scenario.thinkTime } : {}),
        timeoutSeconds: scenario.timeoutSeconds,
        recorder,
        signal: this.signal ? AbortSignal.any([this.signal, side.server.deathSignal]) : side.server.deathSignal
      })
      if (side.server.failure) throw new RunError(`side-by-side A/B: in the ${arm} arm, ${side.server.failure}`)
      if (outcome.cancelled) throw new RunError(`side-by-side A/B: cancelled while loading the ${arm} arm`)
      if (recorder.attempted === 0 || recorder.failureFraction > MAX_FAILURE_FRACTION) {
        throw new RunError(
          `side-by-side A/B: the ${arm} arm's server failed ${recorder.attempted === 0 ? 'to answer any request' : `${(100 * recorder.failureFraction).toFixed(0)}% of requests (${recorder.describeFailures()})`} at ${scenario.endpoints[0]!.url}.${side.server.outputTail()}`
        )
      }
      return recorder.toTrial(outcome.durationSeconds, outcome.startedAt, outcome.generator)
    } finally {
      recorder.destroy()
    }
  }
}

/** Starts one arm's server on a free port (PORT) and points its scenarios there. */
async function startSide(arm: Arm, source: LoadSource, log: Logger, signal?: AbortSignal): Promise<ArmSide> {
  if (!source.server) throw new RunError('side-by-side A/B needs a server perf-gate starts (load.server.start)')
  const port = await freeLoopbackPort()
  const onPort = (url: string): string => {
    const parsed = new URL(url)
    parsed.port = String(port)
    return parsed.href
  }
  const scenarios = source.scenarios.map((scenario) => ({
    ...scenario,
    endpoints: scenario.endpoints.map((endpoint) => ({ ...endpoint, url: onPort(endpoint.url) }))
  }))
  const configuredReadyUrl = source.server.readyUrl ?? new URL(source.scenarios[0]!.endpoints[0]!.url).origin + '/'
  const readyUrl = onPort(configuredReadyUrl)
  const server = new ManagedServer({ ...source.server, env: { ...source.server.env, PORT: String(port) } }, log, signal)
  try {
    await server.start(readyUrl, configuredReadyUrl === readyUrl ? undefined : configuredReadyUrl)
  } catch (error) {
    await server.stop()
    const message = error instanceof Error ? error.message : String(error)
    const advice =
      'Side by side, both servers run at once, so perf-gate gives each a free port in the PORT environment variable; make the server listen on process.env.PORT (or set confirm.method: sequential).'
    if (error instanceof PortIgnoredError) {
      throw new PortIgnoredError(`side-by-side A/B: the ${arm} arm's server (\`${source.server.start}\`) ${message}.\n${advice}`)
    }
    throw new RunError(`side-by-side A/B: the ${arm} arm's server did not answer at ${readyUrl}: ${message}\n${advice}`)
  }
  return { server, scenarios }
}
