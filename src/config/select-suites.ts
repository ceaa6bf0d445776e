/**
 * Running some suites of a config by name (`--suite NAME`, repeatable). A run of part of the suites compares only
 * those suites' scenarios: the baseline's other suites did not "disappear", they were not asked for.
 */
import { InputError } from '../errors.js'
import type { Results } from '../results/model.js'
import { LOAD_SUITE_NAME, type GateSettings, type SuitesSource } from './settings.js'
import { closestName } from '../closest-name.js'

/** The settings with only the named suites; `names` empty or undefined keeps every suite. */
export function selectSuites(settings: GateSettings, names: string[] | undefined): GateSettings {
  if (!names || names.length === 0) return settings
  const source = settings.source
  if (source.kind !== 'suites') {
    throw new InputError(
      `--suite needs suites in the config (${settings.configPath ?? 'none read'}); this gate runs ${source.kind === 'load' ? 'load scenarios' : 'no suites'}`
    )
  }
  const known = [...source.suites.map((suite) => suite.name), ...(source.load ? [LOAD_SUITE_NAME] : [])]
  for (const name of names) {
    if (known.includes(name)) continue
    const near = closestName(name, known)
    throw new InputError(`--suite ${name}: no such suite${near ? ` (did you mean "${near}"?)` : ''}; suites: ${known.join(', ')}`)
  }
  const wanted = new Set(names)
  const selected: SuitesSource = { kind: 'suites', suites: source.suites.filter((suite) => wanted.has(suite.name)) }
  if (source.load && wanted.has(LOAD_SUITE_NAME)) selected.load = source.load
  return { ...settings, source: selected, suiteScope: [...wanted] }
}

/** Results with only the scenarios of the suites in scope (scenarios carry their suite as a label). */
export function scopeToSuites(results: Results, suites: readonly string[] | undefined): Results {
  if (!suites) return results
  const wanted = new Set(suites)
  return { ...results, scenarios: results.scenarios.filter((scenario) => scenario.labels?.suite !== undefined && wanted.has(scenario.labels.suite)) }
}
