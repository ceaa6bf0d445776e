/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) that keeps each record's line number.
 * Kept instead of csv-parse: the two readers (Locust, hey) need only records with their starting line for error
 * messages, which this gives in ~50 lines with no dependency; csv-parse would add a package for the same result.
 */
import { InputError } from '../errors.js'

export interface CsvRecord {
  /** Line where the record starts, counting from 1. */
  line: number
  fields: string[]
}

/** Parses CSV text into records; blank lines are skipped. Throws on an unterminated quoted field. */
export function parseCsv(text: string, source: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  let quoted = false
  let quoteLine = 0
  let index = 0
  const endRecord = (): void => {
    fields.push(field)
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: recordLine, fields })
    fields = []
    field = ''
  }
  while (index < text.length) {
    const char = text[index]!
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index += 2
        continue
      }
      if (char === '"') quoted = false
      else {
        if (char === '\n') line++
        field += char
      }
      index++
      continue
    }
    if (char === '"' && field === '') {
      quoted = true
      quoteLine = line
    } else if (char === ',') {
      fields.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++
      endRecord()
      line++
      recordLine = line
    } else field += char
    index++
  }
  if (quoted) throw new InputError(`${source}:${quoteLine}: a quoted field is not closed before the end of the file`)
  if (field !== '' || fields.length > 0) endRecord()
  return records
}
