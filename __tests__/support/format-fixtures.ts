/** Reading format fixtures in tests: the project's own, and the real files in ../shared/fixtures when present. */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseResultsText } from '../../src/formats/registry.js'
import type { Results, Scenario } from '../../src/results/model.js'
import { schemaProblems } from '../../src/schemas.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES_DIR = join(repoRoot, '__tests__/fixtures/formats')

/** ../shared/fixtures next to the project (a worktree one level deeper also finds it); undefined in a user's clone. */
export const SHARED_FIXTURES_DIR = [process.env.PERF_GATE_SHARED_FIXTURES, join(repoRoot, '../shared/fixtures'), join(repoRoot, '../../shared/fixtures')].find(
  (dir): dir is string => dir !== undefined && existsSync(dir)
)

/** Text of a committed fixture (path relative to __tests__/fixtures/formats). */
export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8')
}

/** Text of a shared real-world fixture, or undefined when ../shared is absent (the test then skips). */
export function sharedFixtureText(name: string): string | undefined {
  return SHARED_FIXTURES_DIR ? readFileSync(join(SHARED_FIXTURES_DIR, name), 'utf8') : undefined
}

/** Skip option for tests that need ../shared/fixtures. */
export const needsShared = SHARED_FIXTURES_DIR
  ? {}
  : {
      skip: 'needs real-world tool output kept outside the repository (../shared/fixtures beside it, or PERF_GATE_SHARED_FIXTURES=<dir>); the committed fixtures cover every format'
    }

/**
 * Parses text with the named format, checks that `format: auto` picks the same parser and that the output
 * validates against the results schema, and returns the results.
 */
export function parseChecked(text: string, format: string, source = 'results'): Results {
  const results = parseResultsText(text, format, source)
  assert.deepEqual(schemaProblems('results', results), [], 'results must validate against results.schema.json')
  assert.equal(parseResultsText(text, 'auto', source).producer?.format, format, 'format: auto must detect the same format')
  return results
}

export function scenarioNamed(results: Results, name: string): Scenario {
  const scenario = results.scenarios.find((s) => s.name === name)
  assert.ok(scenario, `no scenario "${name}" among ${results.scenarios.map((s) => JSON.stringify(s.name)).join(', ')}`)
  return scenario
}

/** The values of one metric across a scenario's trials. */
export function trialValues(scenario: Scenario, metric: string): number[] {
  return scenario.trials.map((trial) => {
    const value = trial.metrics[metric]
    assert.ok(value, `trial of "${scenario.name}" has no metric "${metric}"`)
    return value.value
  })
}

/** Asserts that parsing throws an error of `type` whose message matches `pattern`. */
export function assertParseError(text: string, format: string, source: string, pattern: RegExp, type: new (...args: never[]) => Error): void {
  assert.throws(
    () => parseResultsText(text, format, source),
    (error: unknown) => {
      assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`)
      assert.match((error as Error).message, pattern)
      return true
    }
  )
}
