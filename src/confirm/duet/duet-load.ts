/**
 * Duet load (Bulej et al., "Duet Benchmarking", ICPE 2020): the base and head servers run side by side and are
 * loaded in the same time window by one process, with the same offered load, so that whatever the runner does
 * (a noisy neighbour, CPU frequency, another job) hits both arms alike. Each short slice (1 s) of both arms is one
 * pair; the paired rule decides on the slices with its sequential looks.
 *
 * Both arms share the machine, so a saturating closed loop would let a slower server steal CPU from the faster one.
 * The offered load is therefore open loop at half the slower arm's closed-loop capacity, measured while both warm
 * up together, unless the scenario fixes a rate; a slice in which an arm falls well behind the offered rate is
 * reported as saturated.
 */
import { RunError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { LoadScenarioSettings, LoadSource } from '../../config/settings.js'
import { buildResults } from '../../formats/results-builder.js'
import type { Results, Trial } from '../../results/model.js'
import { freeLoopbackPort } from '../../run/load/free-port.js'
import { runLoadPass } from '../../run/load/load-pass.js'
import { ManagedServer } from '../../run/load/server.js'
import { TrialRecorder } from '../../run/load/trial-recorder.js'
import type { Arm } from '../paired-runs.js'

/** Length of one paired slice. */
export const DUET_SLICE_SECONDS = 1
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

/** One arm's server and the scenarios pointed at its own port. */
interface ArmSide {
  server: ManagedServer
  scenarios: LoadScenarioSettings[]
}

/** Both arms' servers, started and warmed; `slice()` measures one pair of each scenario. */
export class DuetSession {
  /** Per scenario: the open-loop rate each arm is offered. */
  private readonly rates = new Map<string, number>()
  private saturatedSlices = 0
  private slices = 0

  private constructor(
    private readonly sides: Record<Arm, ArmSide>,
    private readonly log: Logger,
    private readonly signal: AbortSignal | undefined
  ) {}

  /** Starts both servers on free ports (passed as PORT), waits for both, and warms them up together. */
  static async start(arms: DuetArms, log: Logger, signal?: AbortSignal): Promise<DuetSession> {
    const sides: Partial<Record<Arm, ArmSide>> = {}
    try {
      for (const arm of ['base', 'head'] as const) sides[arm] = await startSide(arm, arms[arm], log, signal)
      const session = new DuetSession(sides as Record<Arm, ArmSide>, log, signal)
      await session.warmUp()
      return session
    } catch (error) {
      await Promise.all(Object.values(sides).map((side) => side.server.stop()))
      throw error
    }
  }

  /** What the report should say about how the duet was run. */
  describe(): string {
    const rates = [...this.rates].map(([scenario, rate]) => `${scenario} at ${rate} req/s per arm`).join(', ')
    const saturated = this.saturatedSlices > 0 ? `; ${this.saturatedSlices} of ${this.slices} slice(s) had an arm behind the offered rate` : ''
    return `duet: base and head servers side by side, loaded together in ${DUET_SLICE_SECONDS} s slices (${rates})${saturated}`
  }

  /** Measures one slice of every scenario on both arms at once: one trial per scenario and arm. */
  async slice(): Promise<Record<Arm, Results>> {
    const trials: Record<Arm, Array<{ name: string; trial: Trial }>> = { base: [], head: [] }
    for (const [index, scenario] of this.sides.base.scenarios.entries()) {
      const rate = this.rates.get(scenario.name)!
      const [base, head] = await Promise.all(
        (['base', 'head'] as const).map((arm) => this.measure(arm, this.sides[arm].scenarios[index]!, DUET_SLICE_SECONDS, rate))
      )
      this.slices++
      if ([base!, head!].some((recorded) => recorded.metrics.rps!.value < SATURATED_SHARE * rate)) this.saturatedSlices++
      trials.base.push({ name: scenario.name, trial: base! })
      trials.head.push({ name: scenario.name, trial: head! })
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

  async stop(): Promise<void> {
    await Promise.all([this.sides.base.server.stop(), this.sides.head.server.stop()])
  }

  /** Both arms warm up together in closed loop; their rates then set the offered load (unless a rate is fixed). */
  private async warmUp(): Promise<void> {
    for (const [index, scenario] of this.sides.base.scenarios.entries()) {
      const seconds = Math.max(MIN_WARMUP_SECONDS, scenario.warmupSeconds)
      const [base, head] = await Promise.all((['base', 'head'] as const).map((arm) => this.measure(arm, this.sides[arm].scenarios[index]!, seconds)))
      const capacity = Math.min(base!.metrics.rps!.value, head!.metrics.rps!.value)
      const rate = scenario.ratePerSecond ?? Math.max(1, Math.floor(OFFERED_SHARE_OF_CAPACITY * capacity))
      this.rates.set(scenario.name, rate)
      this.log.info(
        `duet ${scenario.name}: warmed up together (base ${base!.metrics.rps!.value.toFixed(0)} req/s, head ${head!.metrics.rps!.value.toFixed(0)} req/s closed loop); offering ${rate} req/s to each arm`
      )
    }
  }

  /** One pass on one arm; a pass where most requests failed, or a server that died, is a run failure naming the arm. */
  private async measure(arm: Arm, scenario: LoadScenarioSettings, seconds: number, rate?: number): Promise<Trial> {
    const side = this.sides[arm]
    const recorder = new TrialRecorder()
    try {
      const outcome = await runLoadPass({
        endpoints: scenario.endpoints,
        connections: scenario.connections,
        durationSeconds: seconds,
        ...(rate ? { ratePerSecond: rate } : {}),
        timeoutSeconds: scenario.timeoutSeconds,
        recorder,
        signal: this.signal ? AbortSignal.any([this.signal, side.server.deathSignal]) : side.server.deathSignal
      })
      if (side.server.failure) throw new RunError(`duet A/B: the ${arm} arm's ${side.server.failure}`)
      if (outcome.cancelled) throw new RunError(`duet A/B: cancelled while loading the ${arm} arm`)
      if (recorder.attempted === 0 || recorder.failureFraction > MAX_FAILURE_FRACTION) {
        throw new RunError(
          `duet A/B: the ${arm} arm's server failed ${recorder.attempted === 0 ? 'to answer any request' : `${(100 * recorder.failureFraction).toFixed(0)}% of requests (${recorder.describeFailures()})`} at ${scenario.endpoints[0]!.url}.${side.server.outputTail()}`
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
  if (!source.server) throw new RunError('duet A/B needs a server perf-gate starts (load.server.start)')
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
  const readyUrl = onPort(source.server.readyUrl ?? new URL(scenarios[0]!.endpoints[0]!.url).origin + '/')
  const server = new ManagedServer({ ...source.server, env: { ...source.server.env, PORT: String(port) } }, log, signal)
  try {
    await server.start(readyUrl)
  } catch (error) {
    await server.stop()
    const message = error instanceof Error ? error.message : String(error)
    throw new RunError(
      `duet A/B: the ${arm} arm's server did not answer at ${readyUrl}: ${message}\nIn duet A/B both servers run at once, so perf-gate gives each a free port in the PORT environment variable; make the server listen on process.env.PORT (or set confirm.method: sequential).`
    )
  }
  return { server, scenarios }
}
