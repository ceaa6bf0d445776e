/**
 * The rule for names that become parts of paths, cache keys and artifact names: gate names and pinned baseline
 * names. One rule, checked at every edge (config, flags, inputs), so that no name can climb out of a store.
 */
import { InputError } from '../errors.js'

export const STORE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const RULE = "use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)"

/** Throws an InputError (exit 3) naming `source` unless `name` follows the rule. */
export function checkStoreName(name: string, what: 'gate name' | 'baseline name', source?: string): string {
  if (!STORE_NAME_PATTERN.test(name)) {
    throw new InputError(`${what} ${JSON.stringify(name)}${source ? ` (${source})` : ''} is invalid: ${RULE}`)
  }
  return name
}
