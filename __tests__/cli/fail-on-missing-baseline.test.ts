/** fail-on-missing-baseline from the config file and the CLI flag, through the CLI in-process (src/, not dist/). */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { runCliInProcess } from '../support/cli-in-process.js'
import { around, resultsWith } from '../support/results-builder.js'
import { scratchDir } from '../support/spawn-dist.js'

const cli = runCliInProcess

function workspace(config?: string): string {
  const dir = scratchDir()
  writeFileSync(join(dir, 'results.json'), JSON.stringify(resultsWith({ 'GET /a': { p95: { values: around(10, 5), unit: 'ms' } } })))
  if (config !== undefined) writeFileSync(join(dir, 'gate.yml'), config)
  return dir
}

describe('fail-on-missing-baseline on the CLI', () => {
  test('run: without a baseline the flag exits 2 and says why; without the flag it reports no-baseline (exit 0)', async () => {
    const dir = workspace()
    const plain = await cli(['run', '--results', 'results.json', '--thresholds', 'p95: +20%'], dir)
    assert.equal(plain.code, 0, plain.stderr)
    assert.match(plain.stdout, /no baseline yet: nothing has been saved for gate "default" in file store at \.perf-gate yet/)

    const strict = await cli(['run', '--results', 'results.json', '--thresholds', 'p95: +20%', '--fail-on-missing-baseline'], dir)
    assert.equal(strict.code, 2, strict.stderr)
    assert.match(
      strict.stderr,
      /error: fail-on-missing-baseline: no baseline could be read \(nothing has been saved for gate "default" in file store at \.perf-gate yet\), so the run fails \(exit 2\)\./
    )
    assert.match(strict.stdout, /no baseline yet/, 'the report is still printed')
    assert.match(strict.stdout, /^! fail-on-missing-baseline: no baseline could be read .*, so the run fails \(exit 2\)\.$/m, 'under the headline')
    assert.match(strict.stdout, /This run fails \(exit 2\) because fail-on-missing-baseline is set and no baseline could be used/)
    assert.doesNotMatch(strict.stdout, /Nothing is blocked/)

    // Saving the first baseline is not a failure for having none; the next run has one.
    const save = await cli(['run', '--results', 'results.json', '--thresholds', 'p95: +20%', '--fail-on-missing-baseline', '--save-baseline'], dir)
    assert.equal(save.code, 0, save.stderr)
    assert.equal((await cli(['run', '--results', 'results.json', '--thresholds', 'p95: +20%', '--fail-on-missing-baseline'], dir)).code, 0)
  })

  test('run: a targets-only gate (every rule absolute) needs no baseline: pass, "all N targets met", ✓ rows, the flag does not apply', async () => {
    const dir = workspace()
    const run = await cli(['run', '--results', 'results.json', '--thresholds', 'p95: < 50ms', '--fail-on-missing-baseline', '--no-color'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /perf-gate · default: PASS\nall 1 target met\nno baseline needed: every threshold is an absolute target/)
    assert.doesNotMatch(run.stderr, /warning: Baseline:/, 'no warning about a baseline the gate does not need')
    assert.match(run.stdout, /✓\s+GET \/a\s+p95\s+—\s+10\.0 ms \(5×\)\s+—\s+—\s+< 50ms\s+✓ < 50ms/)
    assert.doesNotMatch(run.stderr, /fail-on-missing-baseline/)
    const broken = await cli(['run', '--results', 'results.json', '--thresholds', 'p95: < 5ms', '--fail-on-missing-baseline', '--no-color'], dir)
    assert.equal(broken.code, 1, 'a broken target is a regression, baseline or not')
    assert.match(broken.stdout, /✗ < 5ms/)
  })

  test('run: a rejected baseline counts as missing', async () => {
    const dir = workspace()
    await cli(['run', '--results', 'results.json', '--save-baseline'], dir)
    const { readdirSync } = await import('node:fs')
    const history = join(dir, '.perf-gate/default/history')
    writeFileSync(join(history, readdirSync(history)[0]!), '{"schemaVersion": 1, "gate": "def')
    const run = await cli(['run', '--results', 'results.json', '--fail-on-missing-baseline'], dir)
    assert.equal(run.code, 2)
    assert.match(run.stdout, /no baseline: the stored baseline was rejected \(baseline .* is corrupt or truncated/)
    assert.match(run.stderr, /fail-on-missing-baseline: no baseline could be read \(baseline .* is corrupt or truncated/)
  })

  test("the config file's baseline.fail-on-missing does the same; it is validated like every key", async () => {
    const dir = workspace('baseline:\n  fail-on-missing: true\nthresholds:\n  p95: +20%\n')
    const run = await cli(['run', '--config', 'gate.yml', '--results', 'results.json'], dir)
    assert.equal(run.code, 2, run.stderr)
    assert.match(run.stderr, /fail-on-missing-baseline: no baseline could be read/)

    const bad = workspace('baseline:\n  fail-on-missing: "yes"\n')
    const invalid = await cli(['run', '--config', 'gate.yml', '--results', 'results.json'], bad)
    assert.equal(invalid.code, 3)
    assert.match(invalid.stderr, /config file gate\.yml is invalid:\n\s+gate\.yml:2: \/baseline\/fail-on-missing: expected boolean, got "yes"/)
  })

  test('compare: a --baseline file that is missing or corrupt is bad input (3), or with the flag a missing baseline (2)', async () => {
    const dir = workspace()
    const missing = await cli(['compare', '--baseline', 'nope.json', '--current', 'results.json'], dir)
    assert.equal(missing.code, 3)
    assert.match(missing.stderr, /nope\.json does not exist/)
    const flagged = await cli(['compare', '--baseline', 'nope.json', '--current', 'results.json', '--fail-on-missing-baseline'], dir)
    assert.equal(flagged.code, 2)
    assert.match(
      flagged.stderr,
      /^perf-gate: fail-on-missing-baseline: no baseline could be read \(nope\.json does not exist\), so the run fails \(exit 2\)\.$/m
    )
    const present = await cli(['compare', '--baseline', 'results.json', '--current', 'results.json', '--fail-on-missing-baseline'], dir)
    assert.equal(present.code, 0, present.stderr)
  })

  test('--help of run and compare documents the flag', async () => {
    const dir = scratchDir()
    assert.match((await cli(['run', '--help'], dir)).stdout, /--fail-on-missing-baseline\n\s+exit 2 when no baseline can be read/)
    assert.match((await cli(['compare', '--help'], dir)).stdout, /--fail-on-missing-baseline\n\s+exit 2 \(not 3\) when the --baseline file is missing/)
  })
})
