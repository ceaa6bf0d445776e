/**
 * The progress line of a long step: how far (percent), how long still (time left), and the live counters, e.g.
 * "load api trial 2/5: 40% · 1m 12s left · 1234 requests, 800 req/s, 0 errors". The CLI rewrites it in place in a
 * terminal (every second); CI logs get it as a line every few seconds.
 */

export interface ProgressState {
  /** Seconds since this part started. */
  elapsedSeconds: number
  /** How long this part is planned to take (a timed load), if known. */
  plannedSeconds?: number
  /** Done and planned units (a request-count load), if known; preferred over time for the percentage. */
  done?: number
  planned?: number
  /** Seconds of planned work after this part (later trials of the same scenario). */
  laterSeconds?: number
}

/** "40% · 1m 12s left", or "" when nothing is known about the plan. */
export function describeProgress(state: ProgressState): string {
  let fraction: number | undefined
  if (state.planned !== undefined && state.planned > 0 && state.done !== undefined) fraction = state.done / state.planned
  else if (state.plannedSeconds !== undefined && state.plannedSeconds > 0) fraction = state.elapsedSeconds / state.plannedSeconds
  if (fraction === undefined) return ''
  fraction = Math.min(1, Math.max(0, fraction))
  // Time left of this part: from the plan when timed, else extrapolated from the rate so far.
  const partLeft =
    state.plannedSeconds !== undefined && state.planned === undefined
      ? Math.max(0, state.plannedSeconds - state.elapsedSeconds)
      : fraction > 0
        ? (state.elapsedSeconds * (1 - fraction)) / fraction
        : undefined
  const percent = `${Math.floor(fraction * 100)}%`
  if (partLeft === undefined) return percent
  return `${percent} · ${formatDuration(partLeft + (state.laterSeconds ?? 0))} left`
}

/** 5s, 1m 12s, 1h 03m. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  if (total < 60) return `${total}s`
  const minutes = Math.floor(total / 60)
  if (minutes < 60) return `${minutes}m ${String(total % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`
}
