/**
 * Rules are written as people read them ("rps: >= 900 req/s", "*: +100%"), but YAML reads some leading characters as
 * syntax: ">" and "|" open a block, "*" an alias, "&" an anchor, "!" a tag ("%", "@" and "`" are reserved).
 */
export const YAML_INDICATOR = /^[>|*&!%@`]/

/** A flat `metric: rule` line: indentation, metric, rule. */
export const FLAT_RULE = /^(\s*)([^\s'"#-][^:]*?)\s*:\s+(\S.*?)\s*$/

const MEANING: Record<string, string> = { '>': 'a folded block', '|': 'a literal block', '*': 'an alias', '&': 'an anchor', '!': 'a tag' }

/** For a config line YAML could not read: how to write it when a key or value starts with YAML syntax ('' if not that). */
export function indicatorAdvice(line: string): string {
  const match = FLAT_RULE.exec(line)
  if (!match) return ''
  const [, , key, value] = match as unknown as [string, string, string, string]
  const part = YAML_INDICATOR.test(key) ? key : YAML_INDICATOR.test(value) ? value : undefined
  if (part === undefined) return ''
  const quote = (text: string): string => (YAML_INDICATOR.test(text) ? `'${text}'` : text)
  return ` (YAML reads a leading "${part[0]}" as ${MEANING[part[0]!] ?? 'syntax'}: quote it, ${quote(key)}: ${quote(value)})`
}
