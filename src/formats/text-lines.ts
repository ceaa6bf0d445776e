/**
 * Line-oriented reading of text formats, with errors that name the file and line
 * (`bench.txt:12: expected "BenchmarkName-8  N  X ns/op", got "..."`).
 */
import { InputError } from '../errors.js'

/** One line of a text file; `number` counts from 1. */
export interface TextLine {
  number: number
  text: string
}

/** Splits text into numbered lines (CRLF and LF), without the line ends. */
export function numberedLines(text: string): TextLine[] {
  return text.split(/\r?\n/).map((line, index) => ({ number: index + 1, text: line }))
}

/** Shortens a line for an error message. */
export function quoteLine(text: string): string {
  const trimmed = text.trim()
  return JSON.stringify(trimmed.length > 100 ? `${trimmed.slice(0, 97)}...` : trimmed)
}

/** The error for a line that does not have the shape the format requires. */
export function lineError(source: string, line: TextLine, expected: string): InputError {
  return new InputError(`${source}:${line.number}: expected ${expected}, got ${quoteLine(line.text)}`)
}
