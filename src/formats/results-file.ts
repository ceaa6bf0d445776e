/**
 * Reading a results file's bytes as text: gzip (`.gz`, or any file starting with gzip's magic bytes) is inflated
 * transparently, and a UTF-8 byte order mark is dropped.
 */
import { gunzipSync } from 'node:zlib'
import { InputError } from '../errors.js'

export function decodeResultsBytes(bytes: Uint8Array, shown: string): string {
  let data = bytes
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data)
    } catch (error) {
      throw new InputError(`${shown}: gzip data that cannot be inflated (${(error as Error).message}); the file looks truncated or damaged`)
    }
  }
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
