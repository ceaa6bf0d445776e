/**
 * The load shape knobs of a scenario, parsed into settings: `stages` (ramps and plateaus of users or of a rate),
 * `measure`, `think-time` and `scale`. Messages name the config path of the field at fault.
 */
import { InputError } from '../errors.js'
import type { LoadStageConfig } from './config-file.js'
import { parseDurationMs } from './durations.js'
import type { LoadShapeSettings, ThinkTimeSettings } from './settings.js'

/** A picked config value and the JSON path it came from. */
export interface Picked<T> {
  value: T
  at: string
}

/** The most users a shape may reach: each is a connection of the one generator process. */
export const MAX_USERS = 10_000

/**
 * Stages as settings. Every stage has a duration and either `users` (closed loop) or `rate` (open loop), the same
 * kind throughout. Unless the whole trial is measured, at least one stage must hold its target (the same target
 * as the stage before it, above zero): that steady part is what is measured.
 */
export function parseStages(stages: Picked<LoadStageConfig[]>, measure: Picked<'steady' | 'all'> | undefined): LoadShapeSettings {
  const { value, at } = stages
  if (value.length === 0) throw new InputError(`${at}: give at least one stage ({ duration: 30s, users: 50 }), or remove stages`)
  const units = new Set(value.map((stage, index) => stageUnit(stage, `${at}/${index}`)))
  if (units.size > 1) throw new InputError(`${at}: every stage sets users, or every stage sets rate; a shape cannot mix the two`)
  const unit = [...units][0]!
  const shape: LoadShapeSettings = {
    unit,
    stages: value.map((stage, index) => ({
      durationSeconds: parseDurationMs(stage.duration, `${at}/${index}/duration`) / 1000,
      target: unit === 'users' ? stage.users! : stage.rate!
    })),
    measure: measure?.value ?? 'steady'
  }
  if (shape.stages.every((stage) => stage.target === 0)) throw new InputError(`${at}: every stage has a target of 0; nothing would be sent`)
  if (shape.measure === 'steady' && !shape.stages.some((stage, index) => stage.target > 0 && stage.target === (shape.stages[index - 1]?.target ?? 0))) {
    const peak = Math.max(...shape.stages.map((stage) => stage.target))
    throw new InputError(
      `${at}: the stages never reach a steady part (a stage that keeps the target of the stage before it), which is what is measured; add one, e.g. { duration: 30s, ${unit}: ${peak} } after the ramp, or set measure: all to measure the ramps too`
    )
  }
  return shape
}

function stageUnit(stage: LoadStageConfig, at: string): 'users' | 'rate' {
  if (stage.users !== undefined && stage.rate !== undefined) throw new InputError(`${at}: give users or rate, not both`)
  if (stage.users !== undefined) {
    if (!Number.isInteger(stage.users) || stage.users < 0 || stage.users > MAX_USERS)
      throw new InputError(`${at}/users: ${stage.users} is not a whole number of users from 0 to ${MAX_USERS}`)
    return 'users'
  }
  if (stage.rate !== undefined) {
    if (!Number.isFinite(stage.rate) || stage.rate < 0) throw new InputError(`${at}/rate: ${stage.rate} is not a rate of 0 or more requests per second`)
    return 'rate'
  }
  throw new InputError(`${at}: a stage needs users (concurrent users to ramp to) or rate (requests per second to ramp to)`)
}

/** `think-time: 1s`, `"500ms-2s"` or `{ min: 500ms, max: 2s }`: a pause per user between a response and the next request. */
export function parseThinkTime(picked: Picked<number | string | { min: number | string; max: number | string }>): ThinkTimeSettings {
  const { value, at } = picked
  const negative = typeof value === 'number' ? value < 0 : typeof value === 'string' && /^\s*-/.test(value)
  if (negative) throw new InputError(`${at}: "${value}" is negative; a think time is 0 or more, e.g. 1s or 500ms-2s`)
  let min: number
  let max: number
  if (typeof value === 'object') {
    min = parseDurationMs(value.min, `${at}/min`, { allowZero: true }) / 1000
    max = parseDurationMs(value.max, `${at}/max`, { allowZero: true }) / 1000
  } else {
    const range = typeof value === 'string' ? /^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$/.exec(value) : null
    if (range) {
      min = parseDurationMs(range[1]!, at, { allowZero: true }) / 1000
      max = parseDurationMs(range[2]!, at, { allowZero: true }) / 1000
    } else {
      min = max = parseDurationMs(value, at, { allowZero: true }) / 1000
    }
  }
  if (min > max) throw new InputError(`${at}: the shortest think time (${min}s) is longer than the longest (${max}s); write min-max, e.g. 500ms-2s`)
  return { minSeconds: min, maxSeconds: max }
}

/** `scale: 2x` (or 2, 0.5x): a factor for the configured load; a stress variant of the same scenario. */
export function parseScale(picked: Picked<number | string>): number {
  const { value, at } = picked
  const factor = typeof value === 'number' ? value : /^\s*(\d+(?:\.\d+)?)\s*x?\s*$/i.exec(value)?.[1]
  const scale = Number(factor)
  if (factor === undefined || !Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new InputError(`${at}: "${value}" is not a load factor; write e.g. 2x (twice the load) or 0.5x, up to 100x`)
  return scale
}

/** Users scaled stay whole (rounded up: a scaled load is never lighter than asked) and within the generator's reach. */
export function scaledUsers(users: number, scale: number, at: string): number {
  const scaled = users === 0 ? 0 : Math.ceil(users * scale - 1e-9)
  if (scaled > MAX_USERS) throw new InputError(`${at}: scale ${scale}x makes ${scaled} users (connections), more than ${MAX_USERS}`)
  return scaled
}

/** A shape with every target multiplied by `scale`. */
export function scaleShape(shape: LoadShapeSettings, scale: number, at: string): LoadShapeSettings {
  if (scale === 1) return shape
  return {
    ...shape,
    stages: shape.stages.map((stage) => ({
      ...stage,
      target: shape.unit === 'users' ? scaledUsers(stage.target, scale, at) : stage.target * scale
    }))
  }
}

/** One stage on the trial's clock: when it starts and ends (seconds), and the target it moves from and to. */
export interface StageSpan {
  from: number
  to: number
  startTarget: number
  endTarget: number
}

const spansOfShape = new WeakMap<LoadShapeSettings, StageSpan[]>()

/** The stages on the trial's clock; computed once per shape (the load pass asks at every send). */
export function stageSpans(shape: LoadShapeSettings): StageSpan[] {
  let spans = spansOfShape.get(shape)
  if (!spans) {
    let time = 0
    let previous = 0
    spans = shape.stages.map((stage) => {
      const span = { from: time, to: time + stage.durationSeconds, startTarget: previous, endTarget: stage.target }
      time = span.to
      previous = stage.target
      return span
    })
    spansOfShape.set(shape, spans)
  }
  return spans
}

/** The shape in words for the report: "0→50 users in 10s, 50 users for 30s (measured), 50→0 users in 5s". */
export function describeShape(shape: LoadShapeSettings): string {
  const unit = shape.unit === 'users' ? 'users' : 'req/s'
  return stageSpans(shape)
    .map((span) => {
      const seconds = `${Number((span.to - span.from).toFixed(3))}s`
      if (span.startTarget === span.endTarget)
        return `${round(span.endTarget)} ${unit} for ${seconds}${span.endTarget > 0 && shape.measure === 'steady' ? ' (measured)' : ''}`
      return `${round(span.startTarget)}→${round(span.endTarget)} ${unit} in ${seconds}`
    })
    .join(', ')
}

function round(value: number): string {
  return Number(value.toFixed(2)).toString()
}

/** "50ms–150ms", "1s": a think time as a config would write it. */
export function describeThinkTime(think: ThinkTimeSettings): string {
  const shown = (seconds: number): string => (seconds < 1 ? `${Number((seconds * 1000).toFixed(1))}ms` : `${Number(seconds.toFixed(3))}s`)
  return think.minSeconds === think.maxSeconds ? shown(think.minSeconds) : `${shown(think.minSeconds)}–${shown(think.maxSeconds)}`
}
