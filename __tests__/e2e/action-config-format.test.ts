/**
 * The runner passes every input that has a default in action.yml, `format: auto` among them: a suite's own `format:`
 * in the config file must still decide how its output is read (the default hid it, and the run was refused).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { actionInputDefaults, pushPayload, runActionEntry, scratchDir } from '../support/spawn-dist.js'

test("a suite's format in the config file is read under the Action, whose format input defaults to auto", { timeout: 60000 }, async () => {
  assert.equal(actionInputDefaults().format, 'auto', 'the runner sets INPUT_FORMAT=auto when the step does not')
  const ws = scratchDir('perf-gate-ws-')
  // Output that auto-detection cannot tell apart (custom-smaller-is-better and custom-bigger-is-better look alike).
  writeFileSync(join(ws, 'bench.mjs'), `console.log(JSON.stringify([{ name: 'sort', unit: 'ms', value: 100 }, { name: 'parse', unit: 'ms', value: 40 }]))`)
  mkdirSync(join(ws, '.github'))
  writeFileSync(
    join(ws, '.github/perf-gate.yml'),
    'name: micro\nsuites:\n  - name: micro\n    command: node bench.mjs\n    format: custom-smaller-is-better\n    repeat: 3\nbaseline:\n  store: file\n'
  )
  const push = await runActionEntry({ workspace: ws, inputs: {}, event: 'push', payload: pushPayload() })
  assert.equal(push.exitCode, 0, push.stdout + push.stderr)
  assert.doesNotMatch(push.stdout + push.stderr, /cannot tell which format/)
  assert.equal(push.outputs.verdict, 'no-baseline')
  assert.match(push.summary, /sort/)
})
