/**
 * Reading a results file's bytes as text: gzip (`.gz`, or any file starting with gzip's magic bytes) is inflated
 * transparently, a UTF-8 byte order mark is dropped, and binary data is refused with a short escaped prefix.
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
  const head = data.subarray(0, 4096)
  if (head.includes(0)) {
    // Binary input: show a short prefix, bytes escaped, never the raw bytes.
    const prefix = [...data.subarray(0, 24)]
      .map((byte) => (byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`))
      .join('')
    throw new InputError(`${shown}: looks like binary data, not a results report (it starts with "${prefix}${data.length > 24 ? '…' : ''}")`)
  }
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
