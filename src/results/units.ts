/**
 * Units: which family a unit belongs to, conversions inside a family, and readable formatting.
 * Unknown units are kept as opaque text: they compare only with themselves.
 */
import type { Direction } from './model.js'

export type UnitFamily = 'time' | 'bytes' | 'rate' | 'ratio' | 'count' | 'opaque'

interface KnownUnit {
  family: UnitFamily
  /** Factor to the family's base unit (µs for time, bytes for bytes, per second for rates). */
  factor: number
  canonical: string
}

const KNOWN_UNITS: Record<string, KnownUnit> = {}
function define(family: UnitFamily, canonical: string, factor: number, aliases: string[]): void {
  for (const name of [canonical, ...aliases]) KNOWN_UNITS[name.toLowerCase()] = { family, factor, canonical }
}
define('time', 'ns', 1e-3, ['nanoseconds', 'nanosecond', 'nsec'])
define('time', 'µs', 1, ['us', 'μs', 'microseconds', 'microsecond', 'usec'])
define('time', 'ms', 1e3, ['milliseconds', 'millisecond', 'msec'])
define('time', 's', 1e6, ['sec', 'secs', 'seconds', 'second'])
define('time', 'min', 60e6, ['minutes', 'minute'])
define('bytes', 'B', 1, ['bytes', 'byte'])
define('bytes', 'kB', 1e3, ['kb'])
define('bytes', 'KiB', 1024, [])
define('bytes', 'MB', 1e6, [])
define('bytes', 'MiB', 1024 ** 2, [])
define('bytes', 'GB', 1e9, [])
define('bytes', 'GiB', 1024 ** 3, [])
define('rate', 'ops/s', 1, ['op/s', 'ops', 'hz', 'iterations/s', 'it/s'])
define('rate', 'req/s', 1, ['rps', 'requests/s'])
define('rate', 'msg/s', 1, ['messages/s'])
define('rate', 'B/s', 1, ['bytes/s'])
define('rate', 'kB/s', 1e3, [])
define('rate', 'MB/s', 1e6, [])
define('rate', 'MiB/s', 1024 ** 2, [])
define('ratio', '%', 1, ['percent'])
define('count', 'count', 1, ['1', 'n', 'x'])

/** Returns the known unit for a unit text, or undefined for opaque units. */
export function lookupUnit(unit: string): KnownUnit | undefined {
  return KNOWN_UNITS[unit.trim().toLowerCase()]
}

export function unitFamily(unit: string): UnitFamily {
  return lookupUnit(unit)?.family ?? 'opaque'
}

/** The canonical spelling of a unit (`us` → `µs`), or the text itself when opaque. */
export function canonicalUnit(unit: string): string {
  return lookupUnit(unit)?.canonical ?? unit.trim()
}

/** Rates are better when higher; everything else (time, bytes, counts, custom) when lower. */
export function inferDirection(unit: string): Direction {
  const known = lookupUnit(unit)
  if (known) return known.family === 'rate' ? 'higher' : 'lower'
  return /\/\s*s(ec)?$/i.test(unit.trim()) ? 'higher' : 'lower'
}

/** Converts a value between two units of the same family; undefined when they do not convert. */
export function convertValue(value: number, from: string, to: string): number | undefined {
  const a = lookupUnit(from)
  const b = lookupUnit(to)
  if (!a || !b) return canonicalUnit(from) === canonicalUnit(to) ? value : undefined
  // Rates convert only between the same kind of thing per second (bytes per second vs requests per second do not).
  if (a.family !== b.family) return undefined
  if (a.family === 'rate' && rateKind(a.canonical) !== rateKind(b.canonical)) return undefined
  return (value * a.factor) / b.factor
}

function rateKind(canonical: string): string {
  return canonical.endsWith('B/s') ? 'bytes' : canonical
}

/** Splits "300ms", "1.5 s", "1,000 req/s", "2MB" into value and unit. */
export function parseQuantity(text: string): { value: number; unit: string } | undefined {
  const match = /^\s*([-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([^\d\s].*?)?\s*$/i.exec(text)
  if (!match) return undefined
  const value = Number(match[1]!.replace(/[_,]/g, ''))
  if (!Number.isFinite(value)) return undefined
  return { value, unit: match[2] ?? '' }
}

const TIME_DISPLAY: Array<[string, number]> = [
  ['s', 1e6],
  ['ms', 1e3],
  ['µs', 1],
  ['ns', 1e-3]
]
const BYTE_DISPLAY: Array<[string, number]> = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
  ['B', 1]
]
const DECIMAL_BYTE_DISPLAY: Array<[string, number]> = [
  ['GB', 1e9],
  ['MB', 1e6],
  ['kB', 1e3],
  ['B', 1]
]

/** Bytes in the kind of multiple the tool wrote: Go and libtest print decimal MB/s, which must not read as MiB/s. */
function byteDisplayOf(canonical: string): Array<[string, number]> {
  return /^[kMG]B(\/s)?$/.test(canonical) ? DECIMAL_BYTE_DISPLAY : BYTE_DISPLAY
}

/**
 * Formats a value for people: time in the largest unit that keeps it ≥ 1 (µs/ms/s), bytes and bytes/s in binary
 * units, or decimal ones when the tool wrote decimal (kB, MB, GB).
 */
export function formatQuantity(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value)
  const shown = displayUnit(value, unit)
  const number = formatNumber(shown.toDisplay(value))
  return shown.name ? `${number}${shown.space ? ' ' : ''}${shown.name}` : number
}

/**
 * The display unit `formatQuantity` writes `value` in: `toDisplay` converts a value of `unit` into it, `name` follows
 * (after a space unless `space` is false: "12.5%"). A chart scales its ticks by the unit its largest value gets, so
 * that its axis reads in the unit the table's cells use ("28.5 µs", not "28.5k ns").
 */
export function displayUnit(value: number, unit: string): DisplayUnit {
  const known = lookupUnit(unit)
  const same = { divisor: 1, toDisplay: (v: number) => v, space: true }
  // Zero has no best scale: in the unit the tool wrote ("0 ms", not "0 ns").
  if (!known || !Number.isFinite(value) || (value === 0 && known.family !== 'count' && known.family !== 'ratio')) {
    return { ...same, name: known?.family === 'count' ? '' : canonicalUnit(unit) }
  }
  const pick = (scale: Array<[string, number]>, suffix: string): DisplayUnit => {
    const [name, factor] = scale.find(([, f]) => Math.abs(value * known.factor) >= f) ?? scale[scale.length - 1]!
    return { divisor: factor / known.factor, toDisplay: (v) => (v * known.factor) / factor, name: `${name}${suffix}`, space: true }
  }
  if (known.family === 'time') return pick(TIME_DISPLAY, '')
  if (known.family === 'bytes') return pick(byteDisplayOf(known.canonical), '')
  if (known.family === 'rate' && rateKind(known.canonical) === 'bytes') return pick(byteDisplayOf(known.canonical), '/s')
  if (known.family === 'ratio') return { ...same, name: '%', space: false }
  return { ...same, name: known.family === 'count' ? '' : canonicalUnit(unit) }
}

export interface DisplayUnit {
  /** Values of the unit asked for, divided by this, are in the display unit (for a chart's scaling). */
  divisor: number
  /** A value of the unit asked for in the display unit, computed as the table's cells compute it. */
  toDisplay: (value: number) => number
  name: string
  space: boolean
}

/** Three significant digits, with thousands separators for large values. */
export function formatNumber(value: number): string {
  if (value === 0) return '0'
  // Round first, so that 9.9997 reads "10.0", not "10.00" (a digit more than any other value shows).
  const magnitude = Math.abs(Number(value.toPrecision(3)))
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US')
  if (magnitude >= 100) return value.toFixed(0)
  if (magnitude >= 10) return value.toFixed(1)
  if (magnitude >= 1) return value.toFixed(2)
  return value.toPrecision(3)
}

/**
 * A ratio as the signed percent change of the number: 1.123 → "+12.3%", 0.9 → "-10.0%", whole percents from 100%
 * up, no sign on a change that rounds to zero. `minus` is "-" in tables, "−" (the typographic minus) in sentences.
 */
export function formatPercentChange(ratio: number, minus = '-'): string {
  const percent = (ratio - 1) * 100
  const text = Math.abs(percent).toFixed(Math.abs(percent) >= 100 ? 0 : 1)
  if (Number(text) === 0) return `${text}%`
  return `${percent < 0 ? minus : '+'}${text}%`
}
