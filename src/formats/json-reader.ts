/**
 * Reading foreign JSON documents field by field, so that every complaint names the file and the JSON path of the
 * offending field (`bench.json: /benchmarks/3/stats/mean: expected a number, got "abc"`).
 */
import { InputError } from '../errors.js'

/** A value inside a parsed JSON document, with where it sits. */
export interface JsonNode {
  value: unknown
  /** JSON pointer of the value ("" for the document itself). */
  pointer: string
  source: string
}

/** Wraps a parsed document. */
export function jsonRoot(value: unknown, source: string): JsonNode {
  return { value, pointer: '', source }
}

/** Describes a JSON value briefly for error messages. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  // JSON.parse turns 1e999 into Infinity, which JSON.stringify would show as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (out of range)`
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** The error for a field that is not what the format requires. */
export function jsonError(node: JsonNode, expected: string): InputError {
  return new InputError(`${node.source}: ${node.pointer || '/'}: expected ${expected}, got ${describeJsonValue(node.value)}`)
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The node as an object; throws naming the path otherwise. */
export function asObject(node: JsonNode, expected = 'an object'): Record<string, unknown> {
  if (!isJsonObject(node.value)) throw jsonError(node, expected)
  return node.value
}

/** A child of an object node (the child's value may be undefined). */
export function child(node: JsonNode, key: string): JsonNode {
  const value = isJsonObject(node.value) ? node.value[key] : undefined
  return { value, pointer: `${node.pointer}/${escapePointer(key)}`, source: node.source }
}

/** The entries of an object node as child nodes, in document order. */
export function entries(node: JsonNode, expected = 'an object'): Array<[string, JsonNode]> {
  return Object.keys(asObject(node, expected)).map((key) => [key, child(node, key)])
}

/** The items of an array node as child nodes; throws naming the path when it is not an array. */
export function items(node: JsonNode, expected = 'an array'): JsonNode[] {
  if (!Array.isArray(node.value)) throw jsonError(node, expected)
  return node.value.map((value, index) => ({ value, pointer: `${node.pointer}/${index}`, source: node.source }))
}

/** A finite number (with `numericString`, also a number written as a string, as autocannon sometimes does). */
export function numberAt(node: JsonNode, options: { numericString?: boolean } = {}): number {
  const value = node.value
  let number: number | undefined
  if (typeof value === 'number') number = value
  else if (options.numericString && typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(value)) number = Number(value)
  if (number === undefined) throw jsonError(node, 'a number')
  // Beyond ±1e100 no tool measures anything, and the statistics would overflow (1e308 squared is Infinity).
  if (!Number.isFinite(number) || Math.abs(number) > 1e100) throw jsonError(node, 'a finite number within ±1e100')
  return number
}

/** A number, or undefined when the field is missing or null. */
export function optionalNumberAt(node: JsonNode, options: { numericString?: boolean } = {}): number | undefined {
  return node.value === undefined || node.value === null ? undefined : numberAt(node, options)
}

/** A non-empty string. */
export function stringAt(node: JsonNode): string {
  if (typeof node.value !== 'string' || node.value.trim() === '') throw jsonError(node, 'a non-empty string')
  return node.value
}

/** A string, or undefined when missing or null. */
export function optionalStringAt(node: JsonNode): string | undefined {
  return node.value === undefined || node.value === null ? undefined : stringAt(node)
}

/** An array of finite numbers. */
export function numbersAt(node: JsonNode): number[] {
  return items(node, 'an array of numbers').map((item) => numberAt(item))
}
