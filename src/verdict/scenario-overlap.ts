/**
 * A baseline and a run that share no scenario compared nothing: a hey baseline against a current file of another
 * name, a go baseline against pytest results. That is an input error (exit 3) naming both sets, never a pass.
 */
import { InputError } from '../errors.js'
import type { Results } from '../results/model.js'

export function checkScenariosOverlap(current: Results, baseline: Results, baselineLabel: string): void {
  if (current.scenarios.length === 0 || baseline.scenarios.length === 0) return
  const currentNames = new Set(current.scenarios.map((s) => s.name))
  if (baseline.scenarios.some((s) => currentNames.has(s.name))) return
  // Results of two different tools (wrk against hey) never share names: say so first, it is the likelier mistake.
  const formats = [current, baseline].map((results) => results.producer?.format)
  const tools = formats[0] && formats[1] && formats[0] !== formats[1] ? ` They come from different tools (${formats[0]} and ${formats[1]}).` : ''
  throw new InputError(
    `this run and the baseline (${baselineLabel}) share no scenario, so nothing can be compared.${tools}\n` +
      `  this run: ${few(current.scenarios.map((s) => s.name))}${formats[0] ? ` (${formats[0]})` : ''}\n` +
      `  baseline: ${few(baseline.scenarios.map((s) => s.name))}${formats[1] ? ` (${formats[1]})` : ''}\n` +
      'Compare results of the same benchmarks (scenario names must match), or give this gate another name to start a new baseline.'
  )
}

function few(names: string[], max = 5): string {
  const shown = names
    .slice(0, max)
    .map((name) => `"${name}"`)
    .join(', ')
  return names.length > max ? `${shown} and ${names.length - max} more` : shown
}
