import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseConfigText, loadConfigFile } from '../../src/config/config-file.js'
import { defaultThresholdsNote, parseInlineThresholds, resolveSettings, type EdgeSettings } from '../../src/config/resolve-settings.js'
import { InputError } from '../../src/errors.js'
import { resolveThreshold } from '../../src/config/thresholds.js'
import { scratchDir } from '../support/spawn-dist.js'

/** The message a config is rejected with (an InputError). */
function rejectionOf(text: string): string {
  try {
    parseConfigText(text, 'perf-gate.yml')
  } catch (error) {
    assert.ok(error instanceof InputError, String(error))
    return error.message
  }
  assert.fail('the config was accepted')
}

function rejects(text: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parseConfigText(text, 'perf-gate.yml'),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error))
      for (const pattern of patterns) assert.match(error.message, pattern)
      return true
    }
  )
}

describe('config file', () => {
  test('a complete config in YAML and the same in JSON parse alike', () => {
    const yaml = `$schema: ../schemas/config.schema.json
version: 1
name: api
suites:
  - name: unit
    command: npm run bench
    results: out/bench.json
    format: perf-gate
    timeout: 5m
    env: { NODE_ENV: production }
    thresholds:
      mean: { warn: +10%, fail: +25% }
thresholds:
  p95: +20%
  p99: [< 300ms, +30%]
  rps: { fail: -15%, direction: higher }
overrides:
  - scenarios: "GET /report*"
    thresholds: { p95: +50% }
baseline: { store: cache, dir: .perf, history: 30, name: release-1.4 }
strict: true
`
    const fromYaml = parseConfigText(yaml, 'c.yml')
    const fromJson = parseConfigText(JSON.stringify(fromYaml), 'c.json')
    assert.deepEqual(fromJson, fromYaml)
    assert.equal(fromYaml.suites![0]!.timeout, '5m')
  })

  test('unknown keys name the path, the line and the allowed keys', () => {
    rejects(
      'suites:\n  - command: x\n    comand: y\n',
      /perf-gate\.yml:3: \/suites\/0: unknown key "comand" \(did you mean "command"\?\); allowed: name, command, results, format, timeout, repeat, cwd, env, memory, thresholds/
    )
    rejects(
      'threshold:\n  p95: +20%\n',
      /perf-gate\.yml:1: \(top level\): unknown key "threshold" \(did you mean "thresholds"\?\); allowed: \$schema, version, name, suites, thresholds, overrides, baseline, strict/
    )
  })

  test('a value outside an enum names the nearest allowed one', () => {
    rejects(
      'confirm:\n  method: dut\n',
      /perf-gate\.yml:2: \/confirm\/method: "dut" is not allowed \(did you mean "duet"\?\); allowed: "auto", "sequential", "slices", "duet"/
    )
  })

  test('a scenario with neither alternative is told it needs one of them, in one line', () => {
    const message = rejectionOf('load:\n  scenarios:\n    - name: api\n      connections: 2\n')
    assert.match(message, /perf-gate\.yml:3: \/load\/scenarios\/0: needs one of the keys "endpoints" or "websocket" \(A load scenario: HTTP endpoints/)
    assert.doesNotMatch(message, /missing required key|must match a schema/)
  })

  test('wrong types show the bad value', () => {
    rejects('suites:\n  - command: 42\n', /perf-gate\.yml:2: \/suites\/0\/command: expected string, got 42/)
    rejects('strict: "yes"\n', /\/strict: expected boolean, got "yes"/)
    rejects('baseline:\n  fail-on-missing: 1\n', /perf-gate\.yml:2: \/baseline\/fail-on-missing: expected boolean, got 1/)
    rejects('baseline:\n  fail-on-missed: true\n', /\/baseline: unknown key "fail-on-missed"; allowed: store, dir, history, name, fail-on-missing/)
    rejects('version: 2\n', /\/version: 2 is not allowed; expected 1/)
    rejects('name: "my gate!"\n', /\/name: "my gate!" is not valid \(letters, digits/)
  })

  test('invalid YAML gives file, line and column; a non-mapping is rejected', () => {
    rejects('suites: [\n', /perf-gate\.yml:\d+:\d+: /)
    rejects('- a\n- b\n', /the config must be a mapping/)
    rejects('name: a\nname: b\n', /perf-gate\.yml:2:1: Map keys must be unique/)
  })

  test('a rule written as a bare number (p95: +20 reads as 20) is named with the two things it could mean, at its line', () => {
    rejects(
      'suites:\n  - name: a\n    command: echo\n    thresholds:\n      p99: 5\nthresholds:\n  p95: +20\n',
      /perf-gate\.yml:7: \/thresholds\/p95: "p95: 20" is a bare number; write "p95: \+20%" \(worse by 20% fails\) or "p95: < 20ms" \(a budget\)/,
      /perf-gate\.yml:5: \/suites\/0\/thresholds\/p99: "p99: 5" is a bare number/
    )
  })

  test('a rule that matches no metric is named with its line in the config file', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'perf-gate.yml'), 'suites:\n  - name: a\n    command: echo\nthresholds:\n  p95: +20%\n  nope: +20%\n')
    const edgeSettings: EdgeSettings = { rootDir: dir, configPath: 'perf-gate.yml', configExplicit: true, defaultBaselineStore: 'file', failOnRegression: true }
    const settings = await resolveSettings(edgeSettings)
    const nope = settings.thresholds.flatMap((rule) => Object.values(rule.metrics)).find((threshold) => threshold.definedAt.includes('/nope'))
    assert.equal(nope?.definedAt, 'perf-gate.yml:6: /thresholds/nope')
  })

  test('a rule YAML reads as syntax (a leading > or *) is named with how to quote it, once per line', () => {
    const text = 'thresholds:\n  rps: >= 900 req/s\n  *: +5%\n'
    assert.throws(
      () => parseConfigText(text, 'perf-gate.yml'),
      (error: Error) => {
        assert.match(error.message, /perf-gate\.yml:2:\d+: .*\(YAML reads a leading ">" as a folded block: quote it, rps: '>= 900 req\/s'\)/)
        assert.equal(error.message.match(/YAML reads a leading ">"/g)?.length, 1, error.message)
        return true
      }
    )
    assert.throws(
      () => parseConfigText('thresholds:\n  *: +5%\n', 'perf-gate.yml'),
      /perf-gate\.yml:2:\d+: .*YAML reads a leading "\*" as an alias: quote it, '\*': \+5%/
    )
  })

  test('a missing file names the file', async () => {
    await assert.rejects(loadConfigFile('/nonexistent/perf-gate.yml', 'perf-gate.yml'), /config file perf-gate\.yml does not exist/)
  })
})

describe('settings', () => {
  const edge = (rootDir: string, extra: Partial<EdgeSettings> = {}): EdgeSettings => ({
    rootDir,
    configExplicit: false,
    defaultBaselineStore: 'file',
    failOnRegression: true,
    ...extra
  })

  test('a results file runs nothing: settings of a run given with it are refused, naming each, never dropped', async () => {
    const dir = scratchDir()
    await assert.rejects(
      resolveSettings(edge(dir, { resultsPath: 'r.json', repeat: 'zero', load: { profile: 'smok' } })),
      (error: Error) =>
        error instanceof InputError &&
        /^results \(input 'results' \/ --results\) is a file gated as it is, and nothing runs, so 'repeat' \/ --repeat, 'profile' \/ --profile would do nothing; drop them, or give the command/.test(
          error.message
        )
    )
    await assert.rejects(resolveSettings(edge(dir, { resultsPath: 'r.json', timeout: 'bananas' })), /so 'timeout' \/ --timeout would do nothing; drop it/)
    const plain = await resolveSettings(edge(dir, { resultsPath: 'r.json', repeat: ' ' }))
    assert.equal(plain.source.kind, 'results-file', 'an empty input (the Action passes every input) is not given')
  })

  test('a missing default config is fine when a command is given; defaults fill the rest', async () => {
    const dir = scratchDir()
    const settings = await resolveSettings(edge(dir, { command: 'make bench', resultsPath: 'out.json' }))
    assert.equal(settings.name, 'default')
    assert.deepEqual(settings.source, {
      kind: 'suites',
      suites: [{ name: 'command', command: 'make bench', format: 'auto', timeoutMs: 600000, cwd: dir, env: {}, resultsPath: join(dir, 'out.json') }]
    })
    assert.equal(settings.baseline.dir, join(dir, '.perf-gate'))
    assert.equal(settings.thresholds.length, 1, 'the default rule')
    assert.equal(settings.thresholds[0]!.isDefault, true)
    const rule = settings.thresholds[0]!
    for (const gated of ['time', 'mean', 'p50', 'p95', 'ops', 'bytes']) assert.ok(resolveThreshold([rule], { name: 'fib' }, gated), gated)
    for (const spread of ['stdev', 'max', 'p98', 'p99', 'p99.9']) assert.equal(resolveThreshold([rule], { name: 'fib' }, spread), undefined, spread)
    assert.equal(
      defaultThresholdsNote(settings.source),
      'No thresholds are configured, so every metric except stdev, max and percentiles from p98 up is gated on a 20% change for the worse (set `thresholds` to choose).'
    )
  })

  test('endpoint load without thresholds gates latency, throughput and errors, not every noisy metric', async () => {
    const dir = scratchDir()
    const settings = await resolveSettings(edge(dir, { load: { url: 'http://127.0.0.1:9/items' } }))
    assert.equal(settings.source.kind, 'load')
    const rule = settings.thresholds[0]!
    assert.equal(rule.isDefault, true)
    assert.deepEqual(Object.keys(rule.metrics).sort(), ['errors', 'p50', 'p95', 'rps'], 'p99 of a short trial is shown, not gated, by default')
    assert.equal(rule.metrics['errors']!.fail[0]!.kind, 'absolute')
    assert.equal(rule.metrics['rps']!.fail[0]!.text, '20%')
    assert.equal(
      defaultThresholdsNote(settings.source),
      'No thresholds are configured, so p50, p95 and rps are gated on a 20% change for the worse and errors on < 1% (set `thresholds` to choose).'
    )
  })

  test('inputs win over the config; inline thresholds come last so they win', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'gate.yml'), 'name: from-config\nsuites:\n  - command: a\n    timeout: 30s\nthresholds:\n  p95: +20%\n')
    const settings = await resolveSettings(edge(dir, { configPath: 'gate.yml', configExplicit: true, name: 'from-input', thresholdsText: 'p95: +5%' }))
    assert.equal(settings.name, 'from-input')
    assert.equal(settings.configPath, join(dir, 'gate.yml'))
    assert.equal(settings.source.kind === 'suites' && settings.source.suites[0]!.timeoutMs, 30000)
    assert.equal(settings.thresholds.at(-1)!.metrics.p95!.fail[0]!.text, '+5%')
  })

  test('baseline.fail-on-missing comes from the config unless the edge (input, flag) says otherwise', async () => {
    const dir = scratchDir()
    writeFileSync(join(dir, 'gate.yml'), 'baseline:\n  fail-on-missing: true\nstrict: true\n')
    const fromConfig = await resolveSettings(edge(dir, { configPath: 'gate.yml', configExplicit: true, command: 'x' }))
    assert.equal(fromConfig.baseline.failOnMissing, true)
    assert.equal(fromConfig.strict, true)
    const overridden = await resolveSettings(
      edge(dir, { configPath: 'gate.yml', configExplicit: true, command: 'x', failOnMissingBaseline: false, strict: false })
    )
    assert.equal(overridden.baseline.failOnMissing ?? false, false)
    assert.equal(overridden.strict, false)
    assert.equal((await resolveSettings(edge(scratchDir(), { command: 'x' }))).baseline.failOnMissing ?? false, false)
  })

  test('nothing to run is an error that says what to give', async () => {
    await assert.rejects(resolveSettings(edge(scratchDir())), /nothing to run: give a benchmark command/)
    // A config at the top of the repository (where many tools look) is named, with the way to use it.
    const misplaced = scratchDir()
    writeFileSync(join(misplaced, 'perf-gate.yml'), 'suites:\n  - command: node bench.js\n')
    await assert.rejects(
      resolveSettings(edge(misplaced)),
      /perf-gate\.yml is here, but perf-gate reads \.github\/perf-gate\.yml: move it there or pass --config perf-gate\.yml/
    )
  })

  test('inline thresholds accept YAML maps and metric=rule pairs', () => {
    assert.deepEqual(Object.keys(parseInlineThresholds('p95: +20%\np99: < 300ms', 'input')), ['p95', 'p99'])
    const pairs = parseInlineThresholds('p95=+20%, p99=<300ms', '--thresholds')
    assert.equal(pairs.p99!.fail[0]!.kind, 'absolute')
    // Several YAML rules on one line, as a command line gets them.
    const oneLine = parseInlineThresholds('p50: +20%, p95: +10%, p99: < 300ms', '--thresholds')
    assert.deepEqual(Object.keys(oneLine), ['p50', 'p95', 'p99'])
    assert.equal(oneLine.p95!.fail[0]!.text, '+10%')
    assert.equal(oneLine.p99!.fail[0]!.kind, 'absolute')
    assert.throws(() => parseInlineThresholds('p50: +20%: p95', '--thresholds'), /--thresholds: not valid YAML: .*\n\s+Write one rule per line/)
    // Rules as people write them, though YAML reads ">" as a block and "*" as an alias.
    const budgets = parseInlineThresholds('rps: >= 900 req/s\n*: +100%', 'input')
    assert.equal(budgets.rps!.fail[0]!.kind, 'absolute')
    assert.equal(budgets['*']!.fail[0]!.text, '+100%')
    assert.deepEqual(Object.keys(parseInlineThresholds('rps: > 900 req/s, p95: +20%', '--thresholds')), ['rps', 'p95'])
    // A comma between digits groups thousands, as in a config file's rule; it does not separate rules.
    const grouped = parseInlineThresholds('rps: >= 1,000 req/s, p95: +20%,p99: < 1,500us', '--thresholds')
    assert.deepEqual(Object.keys(grouped), ['rps', 'p95', 'p99'])
    assert.equal(grouped.rps!.fail[0]!.text, '>= 1,000 req/s')
    assert.equal(grouped.p99!.fail[0]!.text, '< 1,500us')
    assert.throws(() => parseInlineThresholds('p95: 20%, p95: 30%', '--thresholds'), /--thresholds: "p95" has two rules \("20%" and "30%"\)/)
    assert.throws(() => parseInlineThresholds('- p95', 'input'), /input: expected a map of metric to rule/)
    assert.throws(
      () => parseInlineThresholds('p95: { fail: +20%, colour: red }', 'input'),
      /input is invalid:\n\s+\/p95: unknown key "colour"; allowed: warn, fail, direction/
    )
    assert.throws(
      () => parseInlineThresholds('p95: 10', '--thresholds'),
      /^InputError: --thresholds: "p95: 10" is a bare number; write "p95: \+10%" \(worse by 10% fails\) or "p95: < 10ms" \(a budget\)$/
    )
  })
})
