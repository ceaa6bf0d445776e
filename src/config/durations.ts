import { InputError } from '../errors.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }

/**
 * "500ms", "30s", "10m", "1h", or a number of seconds → milliseconds. Zero is rejected unless `allowZero` (a
 * length that may be left out, such as a warm-up).
 */
export function parseDurationMs(value: number | string, where: string, { allowZero = false } = {}): number {
  let ms: number | undefined
  if (typeof value === 'number') {
    if (Number.isFinite(value)) ms = value * 1000
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(value)
    if (match) ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!
  }
  if (ms !== undefined && (ms > 0 || (allowZero && ms === 0))) return ms
  if (ms !== undefined) throw new InputError(`${where}: "${value}" must be longer than zero; write e.g. 500ms, 30s, 10m or 1h`)
  throw new InputError(`${where}: "${value}" is not a duration; write e.g. 500ms, 30s, 10m or 1h`)
}
