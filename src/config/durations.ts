import { InputError } from '../errors.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }
/** Spelled-out units, as people write them in YAML ("10 minutes", "90 seconds"). */
const UNIT_WORDS: Record<string, string> = {
  msec: 'ms',
  msecs: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  mins: 'min',
  minute: 'min',
  minutes: 'min',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h'
}

/** One part of a duration: a number and its unit ("1m", "30 s", "10 minutes"). */
const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)?\s*/giy

/**
 * "500ms", "30s", "10m", "1h", "10 minutes", "1m30s", or a number of seconds → milliseconds. Zero is rejected unless
 * `allowZero` (a length that may be left out, such as a warm-up).
 */
export function parseDurationMs(value: number | string, where: string, { allowZero = false } = {}): number {
  const ms = typeof value === 'number' ? (Number.isFinite(value) ? value * 1000 : undefined) : durationTextMs(value)
  if (ms !== undefined && (ms > 0 || (allowZero && ms === 0))) return ms
  if (ms !== undefined) throw new InputError(`${where}: "${value}" must be longer than zero; write e.g. 500ms, 30s, 10m or 1h`)
  throw new InputError(`${where}: "${value}" is not a duration; write e.g. 500ms, 30s, 10m, 1h or 1m30s`)
}

/** Milliseconds of a duration text, or undefined when it is not one. A bare number is seconds (and stands alone). */
function durationTextMs(text: string): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  let total = 0
  let parts = 0
  PART.lastIndex = 0
  while (PART.lastIndex < trimmed.length) {
    const at = PART.lastIndex
    const match = PART.exec(trimmed)
    if (!match || match.index !== at) return undefined
    const written = match[2]?.toLowerCase()
    const unit = written === undefined ? 's' : (UNIT_WORDS[written] ?? written)
    if (UNIT_MS[unit] === undefined || (written === undefined && parts > 0)) return undefined
    total += Number(match[1]) * UNIT_MS[unit]!
    parts++
    // A bare number must be the whole text ("90", not "1m 30").
    if (written === undefined && PART.lastIndex < trimmed.length) return undefined
  }
  return total
}
