/** Paths inside a store's directory, safe by construction: a part that would lead outside it is refused. */
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { InputError } from '../errors.js'

/** `root` joined with `parts`, resolved; throws an InputError when the result is not strictly inside `root`. */
export function containedPath(root: string, ...parts: string[]): string {
  const base = resolve(root)
  const path = resolve(base, ...parts)
  const inside = relative(base, path)
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) || parts.some((part) => part.includes('\0'))) {
    // A name from a flag or a record that would lead out of the store is bad input (exit 3), never a path to use.
    throw new InputError(`refusing a baseline path outside the store ${base}: ${JSON.stringify(parts.join('/'))}`)
  }
  return path
}
