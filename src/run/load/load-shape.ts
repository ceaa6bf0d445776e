/**
 * The arithmetic of a load shape (stages ramping linearly from one target to the next): the target at a moment, when
 * a user may send, the due times of a ramping arrival rate, and which parts of a trial are measured. Pure: times are
 * seconds from the start of the trial.
 */
import { stageSpans as spans } from '../../config/load-shape-settings.js'
import type { LoadShapeSettings } from '../../config/settings.js'

/** A span of the trial that is measured, and the part (one per distinct steady target) its requests count for. */
export interface MeasuredWindow {
  fromSeconds: number
  toSeconds: number
  part: number
}

export interface ShapePlan {
  totalSeconds: number
  peak: number
  windows: MeasuredWindow[]
  /** The target each part holds, as configured (measure: all: one part, the peak). */
  parts: number[]
}

/** The measured windows: every stage that holds a target above 0 (adjacent ones joined), or the whole trial. */
export function planShape(shape: LoadShapeSettings): ShapePlan {
  const all = spans(shape)
  const totalSeconds = all.at(-1)!.to
  const peak = Math.max(...shape.stages.map((stage) => stage.target))
  if (shape.measure === 'all')
    return { totalSeconds, peak, windows: [{ fromSeconds: 0, toSeconds: totalSeconds, part: 0 }], parts: [Math.max(...(shape.configuredTargets ?? [peak]))] }
  const parts: number[] = []
  const windows: MeasuredWindow[] = []
  for (const [index, span] of all.entries()) {
    if (span.endTarget <= 0 || span.startTarget !== span.endTarget) continue
    // A shard's share of 50 users may be 17 or 16: parts are known by the configured target, the same on every shard.
    const level = shape.configuredTargets?.[index] ?? span.endTarget
    let part = parts.indexOf(level)
    if (part < 0) part = parts.push(level) - 1
    const last = windows.at(-1)
    if (last && last.part === part && last.toSeconds === span.from) last.toSeconds = span.to
    else windows.push({ fromSeconds: span.from, toSeconds: span.to, part })
  }
  return { totalSeconds, peak, windows, parts }
}

/** The target at `t` seconds (the last stage's target after the end). */
export function targetAt(shape: LoadShapeSettings, t: number): number {
  for (const span of spans(shape)) {
    if (t < span.to) return span.startTarget + ((span.endTarget - span.startTarget) * Math.max(0, t - span.from)) / (span.to - span.from)
  }
  return shape.stages.at(-1)!.target
}

/**
 * Users: the earliest time at or after `t` when user number `level` (1 for the first) is active, that is when the
 * target is at least `level`; undefined when it never is again before the end.
 */
export function nextActiveTime(shape: LoadShapeSettings, level: number, t: number): number | undefined {
  for (const span of spans(shape)) {
    if (span.to <= t) continue
    const from = Math.max(t, span.from)
    if (targetAt(shape, from) >= level - 1e-9) return from
    // Within a ramp up, the moment the line reaches `level`.
    if (span.endTarget >= level && span.endTarget > span.startTarget) {
      const reach = span.from + ((level - span.startTarget) / (span.endTarget - span.startTarget)) * (span.to - span.from)
      if (reach >= from && reach < span.to) return reach
    }
  }
  return undefined
}

/**
 * Open loop with a ramping rate: request k (from 0) is due when the requests the rate has asked for so far, the
 * integral of the rate, reach k (for a constant rate, k / rate, as ArrivalSchedule). Infinity once the shape asks for
 * no more before it ends.
 */
export function dueSeconds(shape: LoadShapeSettings, k: number): number {
  let asked = 0
  for (const span of spans(shape)) {
    const length = span.to - span.from
    const inSpan = ((span.startTarget + span.endTarget) / 2) * length
    if (asked + inSpan > k) {
      const wanted = k - asked
      // asked(τ) = r0 τ + (r1 − r0) τ² / (2 L): the root of asked(τ) = wanted, in the form that holds for both signs.
      const slope = (span.endTarget - span.startTarget) / (2 * length)
      const r0 = span.startTarget
      const tau = wanted === 0 ? 0 : (2 * wanted) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 4 * slope * wanted)))
      return span.from + Math.min(length, tau)
    }
    asked += inSpan
  }
  return Number.POSITIVE_INFINITY
}
