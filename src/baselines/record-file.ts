/**
 * Baseline records on disk. A small record is pretty JSON (readable, diffable). A large one (many scenarios) is
 * written streamed, one scenario at a time, through gzip: one JSON string of a 200 MB record with indentation
 * exceeds what a JavaScript string can hold ("Invalid string length"). Readers accept both, told apart by gzip's
 * magic bytes, so the file name stays `<id>.json` either way.
 */
import { constants as fsConstants, createWriteStream } from 'node:fs'
import { copyFile, link, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants as zlibConstants, gunzipSync, createGzip } from 'node:zlib'
import type { BaselineRecord } from './store.js'

/** Records with more scenarios than this are written streamed and gzip-compressed. */
export const STREAMED_RECORD_SCENARIOS = 5000

/**
 * Writes `record` to `path` atomically (a temporary file moved into place): a crash never leaves half a record.
 * With `exclusive`, an existing file at `path` is never replaced: the move is a hard link, which fails when the
 * name exists (an atomic exclusive create), and the answer is false.
 */
export async function writeRecordFile(path: string, record: BaselineRecord, options: { exclusive?: boolean } = {}): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`
  try {
    const large = record.results.scenarios.length > STREAMED_RECORD_SCENARIOS
    const out = createWriteStream(temporary, { flags: 'wx' })
    if (large) await pipeline(Readable.from(streamedJson(record)), createGzip(), out)
    else await pipeline(Readable.from([`${JSON.stringify(record, null, 2)}\n`]), out)
    if (options.exclusive) return await placeExclusively(temporary, path)
    await rename(temporary, path)
    return true
  } finally {
    await rm(temporary, { force: true })
  }
}

/** Gives `temporary` the name `path` unless that name exists; false on a clash. */
async function placeExclusively(temporary: string, path: string): Promise<boolean> {
  try {
    await link(temporary, path)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error
    // A file system without hard links: an exclusive copy (still never overwrites).
    try {
      await copyFile(temporary, path, fsConstants.COPYFILE_EXCL)
      return true
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw fallback
    }
  }
}

/** The text of a record file, plain or gzip-compressed. */
export async function readRecordFile(path: string): Promise<string> {
  const bytes = await readFile(path)
  return (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8')
}

/** Bytes read for a record's head: the schemaVersion comes first in every record perf-gate writes. */
const HEAD_BYTES = 4096

/**
 * The schemaVersion of a record file from its first bytes alone (plain or gzip), or undefined when the head does not
 * say it: cheap enough to run over a whole history without parsing each record.
 */
export async function readRecordVersion(path: string): Promise<number | undefined> {
  const file = await open(path, 'r')
  let head: Buffer
  try {
    const buffer = Buffer.alloc(HEAD_BYTES)
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0)
    head = buffer.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
  // A prefix of a gzip stream inflates as far as it goes with a sync flush instead of failing on the missing end.
  const text = (isGzip(head) ? gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : head).toString('utf8', 0, HEAD_BYTES)
  const match = /^\s*\{\s*"schemaVersion"\s*:\s*(\d+)/.exec(text)
  return match ? Number(match[1]) : undefined
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

const STREAMED_CHUNK_CHARS = 1 << 20

/** Compact JSON of the record, scenario by scenario: no single string holds the whole record. */
function* streamedJson(record: BaselineRecord): Generator<string> {
  const { results, ...head } = record
  const { scenarios, ...resultsHead } = results
  const headJson = JSON.stringify({ ...head, results: { ...resultsHead, scenarios: [] } })
  // The head ends in `"scenarios":[]}}`: open the array there and close it after the last scenario.
  const open = headJson.lastIndexOf('[]}}')
  // Scenarios go out in chunks of about 1 MB: one stream write per scenario made gzip's per-chunk work the cost.
  let chunk = headJson.slice(0, open + 1)
  for (let index = 0; index < scenarios.length; index++) {
    chunk += `${index === 0 ? '' : ','}${JSON.stringify(scenarios[index])}`
    if (chunk.length >= STREAMED_CHUNK_CHARS) {
      yield chunk
      chunk = ''
    }
  }
  yield `${chunk}]}}\n`
}
