import { InputError } from '../errors.js'

/** Line and column (from 1) of a character offset. */
export function lineColumnAt(text: string, offset: number): string {
  const before = text.slice(0, offset)
  return `${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`
}

/**
 * JSON.parse with an error that names the file, line and column instead of a character offset. A document that
 * stops before it is complete (the parser ran out of input) is called truncated, at the line:column of its end.
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    if (text.trim() === '') throw new InputError(`${source}: the file is empty; expected JSON`)
    const offset = /position (\d+)/.exec(message)
    const end = text.trimEnd().length
    if (/Unexpected end of JSON input/.test(message) || (offset && Number(offset[1]) >= end)) {
      throw new InputError(`${source}:${lineColumnAt(text, end)}: the JSON ends before it is complete; the file looks truncated`)
    }
    // Python's json writes a value that is not finite as a bare NaN or Infinity, which is not JSON (V8 then names no
    // position): point at it.
    const bare = offset ? undefined : /[:,[]\s*(-?(?:NaN|Infinity))\b/.exec(text)
    if (bare) {
      const at = bare.index + bare[0].length - bare[1]!.length
      throw new InputError(
        `${source}:${lineColumnAt(text, at)}: ${bare[1]} is not JSON (Python writes it for a value that is not finite); the tool measured nothing usable there`
      )
    }
    const where = offset ? `${source}:${lineColumnAt(text, Number(offset[1]))}` : source
    throw new InputError(`${where}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')})`)
  }
}
