/**
 * Runs a load source: for every scenario, N trials, each a warm-up (load applied, then discarded) and a measured
 * part recorded by perf-gate (see load-pass.ts); one more when the first trial was still warming up
 * (warm-up-trial.ts). A trial in which most requests failed is a failed run, never a fast result. While perf-gate
 * owns the server (a `start` command), it is started, waited for, watched for memory and stopped here.
 */
import { connect } from 'node:net'
import { availableParallelism } from 'node:os'
import type { LoadScenarioSettings, LoadSource } from '../../config/settings.js'
import { RunError } from '../../errors.js'
import { buildResults } from '../../formats/results-builder.js'
import type { Logger } from '../../log.js'
import type { Results, Scenario, Trial } from '../../results/model.js'
import { FAILING_SECONDS_TO_STOP, runLoadPass, type LoadPassOptions, type LoadPassOutcome } from './load-pass.js'
import { describeShape, describeThinkTime } from '../../config/load-shape-settings.js'
import { planShape, type ShapePlan } from './load-shape.js'
import { describeLateSends, workersAdvice } from './generator-health.js'
import { addMemoryMetrics, ManagedServer } from './server.js'
import { TrialRecorder } from './trial-recorder.js'
import { warmUpFirstTrial } from '../warm-up-trial.js'
import { describeProgress, type ProgressState } from '../progress-text.js'
import { httpOriginOf } from '../../config/websocket-settings.js'
import { checkWebSocketReachable, runWebSocketTrial, websocketScenarioLabels } from '../ws/ws-runner.js'
import { runLoadPassOnWorkers, WorkerCounts, type LiveCounts } from './workers/worker-pass.js'
import { usableWorkers } from './workers/split-pass.js'

export interface LoadRunDeps {
  log: Logger
  signal?: AbortSignal
  /** Interval of progress lines (default 5 s). */
  progressIntervalMs?: number
  /**
   * Called once, when the server (if perf-gate starts one) answers, right before the first load (warm-up
   * included): a load shard waits here for the agreed start of all shards (src/shards/start-barrier.ts).
   */
  beforeFirstLoad?: () => Promise<void>
  /** Lines for the report's notes: the shape of each scenario with stages or think time. */
  notes?: string[]
  /** Exactly the configured trials (load shards: their trials are merged one by one, so every shard runs as many). */
  fixedTrials?: boolean
}

/** More than this fraction of failed requests makes a trial a failed run. */
const MAX_FAILURE_FRACTION = 0.5

/** The metrics a warm-up first trial is looked for on: what load gates by default, for HTTP and WebSocket alike. */
const WARM_UP_WATCHED = new Set(['p50', 'p95', 'rps', 'rtt p50', 'rtt p95', 'messages/s'])
const isWatchedLoadMetric = (metric: string): boolean => WARM_UP_WATCHED.has(metric)

/** Runs every scenario's trials and returns them as load scenarios of one Results. */
export async function runLoad(source: LoadSource, deps: LoadRunDeps): Promise<Results> {
  for (const secret of source.secrets) deps.log.addSecret(secret)
  for (const scenario of source.scenarios) {
    const shape = shapeNote(scenario)
    if (shape) deps.notes?.push(shape)
  }
  const scenarios: Scenario[] = []
  const server = source.server ? new ManagedServer(source.server, deps.log, deps.signal) : undefined
  let waited = false
  try {
    if (server && !source.server!.freshPerTrial) await server.start(readyUrlOf(source))
    for (const scenario of scenarioPlans(source, deps, server)) {
      const trials: Trial[][] = scenario.parts.map(() => [])
      let planned = scenario.trials
      for (let index = 0; index < planned; index++) {
        if (server && source.server!.freshPerTrial) await server.start(readyUrlOf(source))
        if (index === 0) await scenario.checkReachable()
        if (!waited) {
          waited = true
          await deps.beforeFirstLoad?.()
          // A server that died while this shard waited is a failure now, not a trial of connection errors.
          if (server?.failure) throw new RunError(`load ${scenario.name}: ${server.failure}`)
        }
        const parts = await scenario.runTrial(index, planned)
        parts.forEach((trial, part) => trials[part]!.push(trial))
        if (server && source.server!.freshPerTrial) await server.stop()
        if (!deps.fixedTrials && index === scenario.trials - 1 && planned === scenario.trials) {
          // A scenario measured in parts (steady stages, endpoints) names the part: the others keep their first trial.
          const warmUp = trials
            .map((partTrials, part) => {
              const found = warmUpFirstTrial(partTrials, isWatchedLoadMetric)
              return found && scenario.parts.length > 1 ? `${scenario.parts[part]}: ${found}` : found
            })
            .find((found) => found !== undefined)
          if (warmUp) {
            planned++
            deps.log.info(
              `load ${scenario.name}: trial 1 looks like a warm-up (${warmUp}) and is left out; one more trial, so that ${scenario.trials} are compared.`
            )
            deps.notes?.push(
              `Load ${scenario.name}: trial 1 was still warming up (${warmUp}), so it is left out of every row and a trial ${planned} was run: ${scenario.trials} trials are compared; a longer \`warmup\` avoids it.`
            )
          }
        }
      }
      // A cold first trial replaced by one more is left out of every part's results (as a suite's cold run is, and why).
      const measured = (part: number): Trial[] => (planned > scenario.trials ? trials[part]!.slice(1) : trials[part]!)
      scenario.parts.forEach((name, part) => scenarios.push({ name, kind: 'load', trials: measured(part), labels: scenario.labels }))
    }
  } finally {
    await server?.stop()
  }
  return buildResults('perf-gate', scenarios, 'load', { createdAt: new Date().toISOString() })
}

/** One scenario of either kind, as the trial loop above sees it. */
interface ScenarioPlan {
  name: string
  /** The scenarios of the results it makes: itself, or one per steady level of its stages. */
  parts: string[]
  trials: number
  labels: Record<string, string>
  checkReachable(): Promise<void>
  /** One trial of each part; `of`: the trials now planned (one more than configured after a warm-up trial). */
  runTrial(index: number, of: number): Promise<Trial[]>
}

/** HTTP scenarios first, then WebSocket ones (src/run/ws), all against the same server. */
function scenarioPlans(source: LoadSource, deps: LoadRunDeps, server: ManagedServer | undefined): ScenarioPlan[] {
  const http = source.scenarios.map((scenario): ScenarioPlan => ({
    name: scenario.name,
    parts: partNames(scenario),
    trials: scenario.trials,
    labels: scenarioLabels(scenario),
    checkReachable: () => checkReachable(scenario, server),
    runTrial: (index, of) => runTrial({ ...scenario, trials: of }, index, deps, server)
  }))
  const websocket = (source.websocketScenarios ?? []).map((scenario): ScenarioPlan => ({
    name: scenario.name,
    parts: [scenario.name],
    trials: scenario.trials,
    labels: websocketScenarioLabels(scenario),
    checkReachable: () => checkWebSocketReachable(scenario, server),
    runTrial: async (index, of) => [await runWebSocketTrial({ ...scenario, trials: of }, index, deps, server)]
  }))
  return [...http, ...websocket]
}

function readyUrlOf(source: LoadSource): string {
  if (source.server?.readyUrl) return source.server.readyUrl
  const first = source.scenarios[0]
  return first ? new URL(first.endpoints[0]!.url).origin + '/' : httpOriginOf(source.websocketScenarios![0]!.url)
}

/**
 * The scenarios a scenario's trials make: itself, or with stages that hold different levels, one per level
 * ("checkout @ 50 users"), each gated like any scenario.
 */
export function partNames(scenario: LoadScenarioSettings): string[] {
  if (!scenario.shape) return [scenario.name]
  const { parts } = planShape(scenario.shape)
  if (parts.length === 1) return [scenario.name]
  const unit = scenario.shape.unit === 'users' ? 'users' : 'req/s'
  return parts.map((target) => `${scenario.name} @ ${Number(target.toFixed(2))} ${unit}`)
}

/** How the scenario was loaded, so that a report can tell when a baseline was measured differently. */
function scenarioLabels(scenario: LoadScenarioSettings): Record<string, string> {
  return {
    endpoints: describeEndpoints(scenario),
    connections: String(scenario.connections),
    ...(scenario.ratePerSecond && !scenario.shape ? { rate: `${scenario.ratePerSecond}/s` } : {}),
    ...(scenario.requests ? { requests: String(scenario.requests) } : { duration: `${scenario.durationSeconds}s` }),
    ...(scenario.shape ? { stages: describeShape(scenario.shape) } : {}),
    ...(scenario.thinkTime ? { 'think-time': describeThinkTime(scenario.thinkTime) } : {}),
    ...(scenario.scale ? { scale: `${scenario.scale}x` } : {}),
    ...(generatorWorkers(scenario) > 1 ? { workers: String(generatorWorkers(scenario)) } : {})
  }
}

/** The generator threads a scenario's passes run on (`workers`, never more than its connections or requests). */
function generatorWorkers(scenario: LoadScenarioSettings): number {
  return usableWorkers(scenario, scenario.workers ?? 1)
}

/** "Load browse: 0→10 users in 2s, 10 users for 2s (measured), …; think time 0.05s–0.15s per user; scaled 2x." */
function shapeNote(scenario: LoadScenarioSettings): string | undefined {
  if (!scenario.shape && !scenario.thinkTime && !scenario.scale) return undefined
  const parts = [
    scenario.shape
      ? describeShape(scenario.shape)
      : `${scenario.ratePerSecond ? `${scenario.ratePerSecond} req/s` : `${scenario.connections} users`} for ${scenario.durationSeconds}s`,
    ...(scenario.thinkTime ? [`think time ${describeThinkTime(scenario.thinkTime)} per user`] : []),
    ...(scenario.scale ? [`scaled ${scenario.scale}x`] : [])
  ]
  const measured = scenario.shape?.measure === 'all' ? ' (the whole trial is measured)' : ''
  return `Load ${scenario.name}: ${parts.join('; ')}${measured}.`
}

/** Method and path of every endpoint, never the host, query secrets or headers: "GET /items, POST /orders". */
function describeEndpoints(scenario: LoadScenarioSettings): string {
  return scenario.endpoints.map((endpoint) => `${endpoint.method} ${new URL(endpoint.url).pathname}`).join(', ')
}

async function runTrial(scenario: LoadScenarioSettings, index: number, deps: LoadRunDeps, server: ManagedServer | undefined): Promise<Trial[]> {
  const label = `load ${scenario.name} trial ${index + 1}/${scenario.trials}`
  const signals = [deps.signal, server?.deathSignal].filter((signal): signal is AbortSignal => signal !== undefined)
  const workers = generatorWorkers(scenario)
  /** One pass on this thread, or spread over worker threads whose counts `live` follows. */
  const runPass = (options: LoadPassOptions, live?: WorkerCounts): Promise<LoadPassOutcome> =>
    workers > 1 ? runLoadPassOnWorkers(options, workers, live) : runLoadPass(options)
  const pass = {
    endpoints: scenario.endpoints,
    connections: scenario.connections,
    ...(scenario.ratePerSecond ? { ratePerSecond: scenario.ratePerSecond } : {}),
    ...(scenario.thinkTime ? { thinkTime: scenario.thinkTime } : {}),
    timeoutSeconds: scenario.timeoutSeconds,
    ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {})
  }
  const checkServer = (): void => {
    const failure = server?.failure
    if (failure) throw new RunError(`${label}: ${failure}`)
  }
  if (scenario.warmupSeconds > 0) {
    const warmup = new TrialRecorder()
    try {
      const outcome = await runPass({ ...pass, durationSeconds: scenario.warmupSeconds, recorder: warmup })
      checkServer()
      if (outcome.cancelled) throw new RunError(`${label} was cancelled during warm-up`)
      if (outcome.stoppedFailing) {
        throw new RunError(
          `${label}: during warm-up, every request to ${origin(scenario)} failed for ${FAILING_SECONDS_TO_STOP} s (${warmup.describeFailures()})`
        )
      }
    } finally {
      warmup.destroy()
    }
  }
  server?.resetMemory()
  const endpointNames = scenario.endpoints.map((endpoint) => endpoint.name)
  const recorder = new TrialRecorder(endpointNames)
  const plan = scenario.shape ? planShape(scenario.shape) : undefined
  const parts = plan ? plan.parts.map(() => new TrialRecorder(endpointNames)) : []
  try {
    const laterSeconds = (scenario.trials - index - 1) * (scenario.durationSeconds + scenario.warmupSeconds)
    const live = workers > 1 ? new WorkerCounts() : undefined
    const progress = startProgress(label, live ?? recorder, deps, {
      plannedSeconds: scenario.durationSeconds,
      ...(scenario.requests ? { planned: scenario.requests } : {}),
      laterSeconds
    })
    let outcome
    try {
      outcome = await runPass(
        {
          ...pass,
          durationSeconds: scenario.durationSeconds,
          ...(scenario.requests ? { requests: scenario.requests } : {}),
          ...(plan ? { shape: scenario.shape!, measured: { windows: plan.windows, recorders: parts } } : {}),
          recorder
        },
        live
      )
    } finally {
      progress.stop()
    }
    checkServer()
    if (outcome.cancelled) throw new RunError(`${label} was cancelled`)
    if (outcome.stoppedFailing) {
      throw new RunError(
        `${label}: stopped after ${outcome.durationSeconds.toFixed(1)} s: for ${FAILING_SECONDS_TO_STOP} s every request to ${origin(scenario)} failed (${recorder.describeFailures()}).${recorder.unexpectedStatus === 0 ? ' The server stopped answering.' : ''}`
      )
    }
    if (recorder.attempted === 0) {
      throw new RunError(
        `${label}: no request completed in ${outcome.durationSeconds.toFixed(1)} s against ${describeEndpoints(scenario)} (${origin(scenario)})`
      )
    }
    if (recorder.failureFraction > MAX_FAILURE_FRACTION) {
      const percent = (100 * recorder.failureFraction).toFixed(1)
      throw new RunError(
        `${label}: ${percent}% of ${recorder.attempted} requests to ${origin(scenario)} failed (${recorder.describeFailures()}); a trial where most requests fail is a failed run, not a fast one`
      )
    }
    const generator = outcome.generator
    const p50Ms = recorder.latencyMicros.getValueAtPercentile(50) / 1000
    const p99Ms = recorder.latencyMicros.getValueAtPercentile(99) / 1000
    // The server's own time per request (send to response), for how many connections the rate needs.
    const serviceMs = outcome.service.count > 0 ? outcome.service.totalMs / outcome.service.count : p50Ms
    // Late sends count every request sent, those still in flight at the end too.
    const sent = recorder.attempted + generator.inFlightAtEnd
    // Any share of late sends is worth a line: it is part of the latency, and its cause decides what to do.
    const lateLine = scenario.ratePerSecond && (outcome.lateSends > 0.01 * sent || generator.saturated)
    if (lateLine && scenario.ratePerSecond) {
      deps.log.warn(
        `${label}: ${outcome.lateSends} of ${sent} requests sent left late (latency counts from the due time): ${describeLateSends(generator, scenario.connections, scenario.ratePerSecond, p99Ms, serviceMs)}.${workersAdvice(generator, availableParallelism())}`
      )
    } else if (generator.saturated) {
      deps.log.warn(
        `${label}: the load generator was saturated (${generator.saturatedBecause}); latency verdicts of this trial cannot fail.${workersAdvice(generator, availableParallelism())}`
      )
    }
    if (scenario.ratePerSecond && !lateLine && generator.unsentAtEnd > 0.01 * recorder.attempted) {
      // Sends owed at the end but never made (every connection held): as telling as late sends, with the same causes.
      deps.log.warn(
        `${label}: ${generator.unsentAtEnd} requests due before the end were never sent: ${describeLateSends(generator, scenario.connections, scenario.ratePerSecond, Math.max(p99Ms, (generator.unsentAtEnd * 1000) / scenario.ratePerSecond), serviceMs)}.`
      )
    }
    // Every closed-loop trial ends with its connections' requests in flight: worth a line only when one of them had
    // waited longer than the trial's p99 (the server stalled across the end) or sends were owed.
    const stalledAtEnd = (generator.longestCutOffMs ?? 0) > p99Ms
    if (stalledAtEnd || generator.unsentAtEnd > 0) {
      deps.log.info(
        `${label}: the end of the window cut off ${generator.inFlightAtEnd} request(s) in flight${generator.unsentAtEnd > 0 ? ` and ${generator.unsentAtEnd} due but unsent` : ''}, the longest waiting ${formatMicros((generator.longestCutOffMs ?? 0) * 1000)}${stalledAtEnd ? ' (past the p99: the server stalled at the end)' : ''}; their wait up to the end is in the latency.`
      )
    }
    deps.log.info(
      `${label}: ${recorder.attempted} requests in ${outcome.durationSeconds.toFixed(1)} s, ${(recorder.completed / outcome.durationSeconds).toFixed(0)} req/s, p50 ${formatMicros(recorder.latencyMicros.getValueAtPercentile(50))}, p99 ${formatMicros(recorder.latencyMicros.getValueAtPercentile(99))}, ${recorder.failed} errors; generator CPU ${(generator.cpu * 100).toFixed(0)}%${generator.workers ? ` over ${generator.workers} worker threads` : ''}`
    )
    const trials = plan ? shapedTrials(scenario, plan, parts, outcome, label) : [recorder.toTrial(outcome.durationSeconds, outcome.startedAt, generator)]
    if (server) for (const trial of trials) addMemoryMetrics(trial, server.memory())
    return trials
  } finally {
    recorder.destroy()
    for (const part of parts) part.destroy()
  }
}

/** A shaped trial's measured parts, each a trial of its own scenario; a part that measured nothing is a failed run. */
function shapedTrials(scenario: LoadScenarioSettings, plan: ShapePlan, parts: TrialRecorder[], outcome: LoadPassOutcome, label: string): Trial[] {
  const names = partNames(scenario)
  return parts.map((part, index) => {
    const seconds = plan.windows.filter((window) => window.part === index).reduce((sum, window) => sum + window.toSeconds - window.fromSeconds, 0)
    if (part.attempted === 0)
      throw new RunError(
        `${label}: no request completed in the measured part of ${names[index]} (${seconds}s at ${Number(plan.parts[index]!.toFixed(2))} ${scenario.shape!.unit === 'users' ? 'users' : 'req/s'})`
      )
    return part.toTrial(seconds, outcome.startedAt, outcome.generator)
  })
}

function startProgress(label: string, recorder: LiveCounts, deps: LoadRunDeps, plan: Omit<ProgressState, 'elapsedSeconds' | 'done'>): { stop(): void } {
  let lastCount = 0
  const startedAt = Date.now()
  let lastAt = startedAt
  const intervalMs = deps.progressIntervalMs ?? deps.log.progressIntervalMs ?? 5000
  const timer = setInterval(() => {
    const now = Date.now()
    const count = recorder.completed
    const rate = ((count - lastCount) * 1000) / Math.max(1, now - lastAt)
    lastCount = count
    lastAt = now
    const where = describeProgress({ ...plan, elapsedSeconds: (now - startedAt) / 1000, done: recorder.attempted })
    deps.log.progress(`${label}: ${where ? `${where} · ` : ''}${recorder.attempted} requests, ${rate.toFixed(0)} req/s, ${recorder.failed} errors`)
  }, intervalMs)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      deps.log.progressDone()
    }
  }
}

function origin(scenario: LoadScenarioSettings): string {
  return new URL(scenario.endpoints[0]!.url).origin
}

/**
 * Fails within seconds, naming the URL, when nothing listens there (connection refused, unknown host): otherwise
 * autocannon would spin through a whole trial of connection errors.
 */
async function checkReachable(scenario: LoadScenarioSettings, server: ManagedServer | undefined): Promise<void> {
  const url = new URL(scenario.endpoints[0]!.url)
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const problem = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host: url.hostname, port, timeout: 5000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(undefined)
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve('no answer within 5 s')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
  if (problem) {
    const hint = /^(ENOTFOUND|EAI_AGAIN)$/.test(problem)
      ? ' The host name does not resolve: check the URL.'
      : server
        ? ''
        : " Is the server running? Give a start command (input 'start' / --start, or load.server.start) to have perf-gate start it."
    throw new RunError(`load scenario "${scenario.name}": cannot connect to ${url.origin} (${problem}).${hint}`)
  }
}

function formatMicros(micros: number): string {
  return micros < 1000 ? `${micros} µs` : `${(micros / 1000).toFixed(2)} ms`
}
