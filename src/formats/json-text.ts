import { InputError } from '../errors.js'

/** JSON.parse with an error that names the file, line and column instead of a character offset. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const offset = /position (\d+)/.exec(message)
    let where = source
    if (offset) {
      const before = text.slice(0, Number(offset[1]))
      const line = before.split('\n').length
      const column = before.length - before.lastIndexOf('\n')
      where = `${source}:${line}:${column}`
    } else if (text.trim() === '') {
      throw new InputError(`${source}: the file is empty; expected JSON`)
    }
    throw new InputError(`${where}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')})`)
  }
}
