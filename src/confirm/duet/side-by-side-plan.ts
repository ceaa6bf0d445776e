/**
 * Whether a same-runner load A/B runs its servers side by side, and how, and starting them. confirm.method auto (the
 * default) runs interleaved slices in closed loop (one server loaded at a time, every metric compared, the same
 * quantity the gate's own closed-loop trials measure), and sequential arms where the server ignores the PORT it is
 * given or the load has WebSocket scenarios. `duet` is opt-in: it decided faster on a busy runner, but its open loop
 * passed one of three +30 % slowdowns (bench/decide.ts). An explicit `slices` or `duet` fails on a server that
 * ignores PORT, and says what it could not compare.
 */
import type { GateSettings, RunSource } from '../../config/settings.js'
import type { Logger } from '../../log.js'
import { PortIgnoredError } from '../../run/load/server.js'
import type { GateVerdict } from '../../verdict/types.js'
import type { ConfirmTarget } from '../../verdict/paired-decider.js'
import { DuetSession, type DuetOptions } from './duet-load.js'

/** The duet: both arms in the same second at one open-loop rate (opt-in: see docs/ab-testing.md for what it missed). */
const DUET: DuetOptions = { layout: 'together', loop: 'open' }
/** Interleaved slices in closed loop: one arm at a time, so every metric compares, throughput included. */
const SLICES: DuetOptions = { layout: 'alternating', loop: 'closed' }

export interface DuetPlan {
  /** How the servers run side by side; undefined: sequential arms. */
  sideBySide?: DuetOptions
  /** What the A/B compares. */
  targets: ConfirmTarget[]
  /** Metrics an open loop cannot compare (explicit method only): their rows stay the stored comparison. */
  skipped: ConfirmTarget[]
  /** A line for the report's notes: why sequential, or what was left out. */
  note?: string
}

/** Why this source cannot run its servers side by side; undefined when it can. */
function whyNotSideBySide(source: RunSource): string | undefined {
  if (source.kind !== 'load' || !source.server) return 'side-by-side A/B applies to load with a server perf-gate starts'
  if (source.websocketScenarios?.length) return 'side-by-side A/B loads HTTP endpoints only, and this gate has WebSocket scenarios'
  // A slice is a short stretch (at most 2 s) of steady load: a ramp does not fit in it, and a part of the stages measured
  // alone is another load.
  const shaped = source.scenarios.find((scenario) => scenario.shape)
  if (shaped) return `side-by-side A/B loads steady slices of at most 2 s, and scenario "${shaped.name}" has stages`
  return undefined
}

/**
 * Plans the A/B. With an open loop (the duet, or a scenario's fixed `rate`) both arms are offered the same rate, so
 * each arm's throughput is that rate and says nothing about its server: such a run compares latencies only, and the
 * other metrics keep the stored comparison (or, when nothing would be left to compare, the arms run sequentially).
 */
export function planDuet(settings: GateSettings, targets: ConfirmTarget[], unitOf: (target: ConfirmTarget) => string | undefined): DuetPlan {
  const method = settings.confirm.method
  const sequential = (note?: string): DuetPlan => ({ targets, skipped: [], ...(note ? { note } : {}) })
  if (method === 'sequential') return sequential()
  const why = whyNotSideBySide(settings.source)
  if (why) return sequential(method === 'auto' ? undefined : `${why}: the A/B ran sequentially.`)
  const source = settings.source as Extract<RunSource, { kind: 'load' }>
  const fixedRate = source.scenarios.some((scenario) => scenario.ratePerSecond !== undefined)
  const latencies = targets.filter((target) => unitOf(target) === 'ms')
  const others = targets.filter((target) => !latencies.includes(target))
  const names = [...new Set(others.map((target) => target.metric))].join(', ')
  const options = method === 'duet' ? DUET : SLICES
  if (options.loop === 'closed' && !fixedRate) return { sideBySide: options, targets, skipped: [] }
  if (others.length === 0) return { sideBySide: options, targets, skipped: [] }
  if (latencies.length === 0) return sequential(`Sequential A/B: both arms side by side would be offered the same rate, so ${names} could not compare.`)
  return {
    sideBySide: options,
    targets: latencies,
    skipped: others,
    note: `The A/B compared latencies; ${names} kept the stored comparison (both arms were offered the same rate).`
  }
}

/**
 * Starts both servers side by side. Under auto, a server that answers on its configured port instead of PORT means
 * sequential arms, with a note on how to get the faster A/B; an explicit method fails on it (RunError naming PORT).
 */
export async function startSideBySide(
  settings: GateSettings,
  options: DuetOptions,
  base: RunSource,
  head: RunSource,
  log: Logger,
  signal?: AbortSignal
): Promise<{ session?: DuetSession; note?: string }> {
  if (base.kind !== 'load' || head.kind !== 'load') return {}
  try {
    return { session: await DuetSession.start({ base, head }, options, log, signal) }
  } catch (error) {
    if (!(error instanceof PortIgnoredError) || settings.confirm.method !== 'auto') throw error
    const why = error.message
      .split('\n')[0]!
      .replace(/^side-by-side A\/B: /, '')
      .replace(/\.$/, '')
    log.info(`${why}: the A/B runs sequentially.`)
    return {
      note: `Sequential A/B: ${why}. Make the server listen on process.env.PORT for interleaved slices, which decide faster on a busy runner (or set confirm.method: sequential).`
    }
  }
}

/** The rows an open-loop A/B left out say so: they are the stored comparison, not the A/B. */
export function markSkippedByDuet(verdict: GateVerdict, skipped: ConfirmTarget[]): GateVerdict {
  if (skipped.length === 0) return verdict
  const left = new Set(skipped.map((target) => `${target.scenario}\u0000${target.metric}`))
  return {
    ...verdict,
    metrics: verdict.metrics.map((metric) =>
      left.has(`${metric.scenario}\u0000${metric.metric}`)
        ? { ...metric, reason: `${metric.reason} Not A/B-tested: both arms were offered the same rate, so only latencies were compared.` }
        : metric
    )
  }
}
