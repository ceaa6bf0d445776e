import { isAbsolute, relative } from 'node:path'

/** A path as a user would write it: relative to the repository root when inside it, else absolute. */
export function displayPath(rootDir: string, path: string): string {
  const shown = relative(rootDir, path)
  return shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : path
}
