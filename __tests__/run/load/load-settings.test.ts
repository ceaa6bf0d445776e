import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseConfigText } from '../../../src/config/config-file.js'
import { LOAD_PROFILES, resolveLoadSource } from '../../../src/config/load-settings.js'
import { resolveSettings, type EdgeSettings } from '../../../src/config/resolve-settings.js'
import type { LoadSource } from '../../../src/config/settings.js'
import { InputError } from '../../../src/errors.js'
import { scratchDir } from '../../support/spawn-dist.js'

const FILE = '.github/perf-gate.yml'

/** Resolves settings from the load inputs alone (no config file), in a scratch repository. */
async function loadFromInputs(load: NonNullable<EdgeSettings['load']>): Promise<{ root: string; source: LoadSource }> {
  const root = scratchDir()
  const settings = await resolveSettings({ rootDir: root, configExplicit: false, defaultBaselineStore: 'file', failOnRegression: true, load })
  assert.equal(settings.source.kind, 'load')
  return { root, source: settings.source as LoadSource }
}

/** Resolves settings from a config text written into a scratch repository. */
async function loadFrom(yaml: string, extra: Partial<EdgeSettings> = {}): Promise<LoadSource> {
  const root = scratchDir()
  mkdirSync(join(root, '.github'), { recursive: true })
  writeFileSync(join(root, FILE), yaml)
  const settings = await resolveSettings({ rootDir: root, configExplicit: false, defaultBaselineStore: 'file', failOnRegression: true, ...extra })
  assert.equal(settings.source.kind, 'load')
  return settings.source as LoadSource
}

async function rejectsWith(yaml: string, pattern: RegExp, extra: Partial<EdgeSettings> = {}): Promise<void> {
  await assert.rejects(loadFrom(yaml, extra), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error))
    assert.match(error.message, pattern)
    return true
  })
}

describe('load settings', () => {
  test('a full load section: base URL, paths, headers, JSON body, statuses, server, per-scenario knobs', async () => {
    const source = await loadFrom(`load:
  base-url: http://127.0.0.1:3000
  profile: smoke
  connections: 4
  server:
    start: node server.js
    ready-url: /health
    ready-timeout: 5s
    fresh-per-trial: true
  scenarios:
    - name: items
      endpoints:
        - path: /items?limit=5
        - method: post
          path: /orders
          headers: { x-tenant: acme }
          body: { sku: 42 }
          status: [200, 201]
      duration: 2s
      rate: 50
    - endpoints: [{ url: "http://127.0.0.1:3000/fast" }]
      trials: 7
      requests: 1000
`)
    const [items, fast] = source.scenarios
    assert.equal(items!.name, 'items')
    assert.deepEqual(items!.endpoints, [
      { method: 'GET', url: 'http://127.0.0.1:3000/items?limit=5', headers: {}, expectedStatus: [], name: 'GET /items', weight: 1 },
      {
        method: 'POST',
        url: 'http://127.0.0.1:3000/orders',
        headers: { 'x-tenant': 'acme', 'content-type': 'application/json' },
        body: '{"sku":42}',
        expectedStatus: [200, 201],
        name: 'POST /orders',
        weight: 1
      }
    ])
    assert.equal(items!.connections, 4)
    assert.equal(items!.durationSeconds, 2)
    assert.equal(items!.ratePerSecond, 50)
    assert.equal(items!.trials, LOAD_PROFILES.smoke.trials)
    assert.equal(items!.warmupSeconds, LOAD_PROFILES.smoke.warmupSeconds)
    assert.equal(fast!.name, 'GET /fast #2')
    assert.equal(fast!.trials, 7)
    assert.equal(fast!.requests, 1000)
    assert.equal(fast!.timeoutSeconds, 10)
    assert.equal(source.server?.start, 'node server.js')
    assert.equal(source.server?.readyUrl, 'http://127.0.0.1:3000/health')
    assert.equal(source.server?.readyTimeoutMs, 5000)
    assert.equal(source.server?.freshPerTrial, true)
  })

  test('profiles are presets; quick is smoke; fields and inputs override them one by one', async () => {
    const yaml = `load:
  profile: stress
  duration: 4s
  scenarios: [{ endpoints: [{ url: "http://127.0.0.1:3000/" }] }]
`
    const stress = (await loadFrom(yaml)).scenarios[0]!
    assert.equal(stress.connections, LOAD_PROFILES.stress.connections)
    assert.equal(stress.trials, LOAD_PROFILES.stress.trials)
    assert.equal(stress.durationSeconds, 4, 'the field wins over the profile')
    const quick = (await loadFrom(yaml, { load: { profile: 'quick', trials: '2' } })).scenarios[0]!
    assert.equal(quick.connections, LOAD_PROFILES.smoke.connections, 'the input profile wins over the config profile')
    assert.equal(quick.trials, 2, 'the input wins over the profile')
    assert.equal(quick.durationSeconds, 4, 'fields set in the config still win over a profile')
    for (const zero of ['0', '0s', '0.0ms', '"0 min"']) {
      const noWarmup = (await loadFrom(`load:\n  warmup: ${zero}\n  scenarios: [{ endpoints: [{ url: "http://127.0.0.1:3000/" }] }]\n`)).scenarios[0]!
      assert.equal(noWarmup.warmupSeconds, 0, zero)
    }
    const halfSecond = (await loadFrom(`load:\n  warmup: 500ms\n  scenarios: [{ endpoints: [{ url: "http://127.0.0.1:3000/" }] }]\n`)).scenarios[0]!
    assert.equal(halfSecond.warmupSeconds, 0.5)
    const standard = (await loadFrom(`load:\n  scenarios: [{ endpoints: [{ url: "http://127.0.0.1:3000/" }] }]\n`)).scenarios[0]!
    assert.deepEqual(
      { connections: standard.connections, durationSeconds: standard.durationSeconds, warmupSeconds: standard.warmupSeconds, trials: standard.trials },
      LOAD_PROFILES.standard
    )
    await rejectsWith(
      yaml,
      /input 'profile' \/ --profile must be one of smoke, standard, stress, soak, quick \(define your own under profiles:\); got "heavy"/,
      {
        load: { profile: 'heavy' }
      }
    )
  })

  test('workers: a number per scenario or on load:, auto per core (less one for a local target), the input wins; bad values name the path', async () => {
    const source = await loadFrom(`load:
  workers: 3
  scenarios:
    - endpoints: [{ url: http://127.0.0.1:8080/a }]
    - endpoints: [{ url: http://127.0.0.1:8080/b }]
      workers: 1
    - endpoints: [{ url: https://api.example.test/c }]
      workers: auto
    - endpoints: [{ url: http://127.0.0.1:8080/d }]
      workers: auto
`)
    const cores = availableParallelism()
    assert.deepEqual(
      source.scenarios.map((scenario) => scenario.workers),
      [3, undefined, cores > 1 ? cores : undefined, cores > 2 ? cores - 1 : undefined]
    )
    const { source: fromInputs } = await loadFromInputs({ url: 'http://127.0.0.1:8080/x', workers: '2' })
    assert.equal(fromInputs.scenarios[0]!.workers, 2)
    await assert.rejects(
      loadFromInputs({ url: 'http://127.0.0.1:8080/x', workers: 'many' }),
      /input 'workers' \/ --workers must be a whole number from 1 to 64, got "many"/
    )
    await rejectsWith(`load:\n  scenarios:\n    - endpoints: [{ url: http://127.0.0.1:8080/a }]\n      workers: 0\n`, /\/load\/scenarios\/0\/workers/)
    await rejectsWith(
      `load:
  scenarios:
    - websocket: { url: ws://127.0.0.1:3000/ws }
      workers: 2
`,
      /\/workers: generator worker threads drive HTTP scenarios; a WebSocket scenario's clients run on one thread/
    )
  })

  test('the url input is a one-endpoint scenario named by its path, with start and ready-url', async () => {
    const { root, source } = await loadFromInputs({
      url: 'http://127.0.0.1:8080/api/items?x=1',
      connections: '3',
      duration: '1s',
      rate: '20',
      start: 'npm start',
      readyUrl: '/healthz'
    })
    assert.equal(source.scenarios[0]!.name, '/api/items?x=1')
    assert.equal(source.scenarios[0]!.connections, 3)
    assert.equal(source.scenarios[0]!.durationSeconds, 1)
    assert.equal(source.scenarios[0]!.ratePerSecond, 20)
    assert.equal(source.server?.start, 'npm start')
    assert.equal(source.server?.readyUrl, 'http://127.0.0.1:8080/healthz')
    assert.equal(source.server?.cwd, root)
  })

  test('bad input names the JSON path, the value and what is allowed', async () => {
    const scenarioWith = (endpoint: string, knobs = ''): string => `load:\n  scenarios:\n    - endpoints:\n        - ${endpoint}\n${knobs}`
    await rejectsWith(
      scenarioWith('{ url: "http://h/", method: FETCH }'),
      /\/load\/scenarios\/0\/endpoints\/0\/method: "FETCH" is not an HTTP method; use one of GET, POST/
    )
    await rejectsWith(scenarioWith('{ url: "http://h/", method: head }'), /endpoints\/0\/method: HEAD cannot be load-tested here/)
    await rejectsWith(scenarioWith('{ path: /items }'), /\/load\/scenarios\/0\/endpoints\/0\/path: "\/items" needs load\.base-url/)
    await rejectsWith(scenarioWith('{ url: "/items" }'), /endpoints\/0\/url: "\/items" is not an absolute URL/)
    await rejectsWith(scenarioWith('{ url: "ftp://h/x" }'), /must be http:\/\/ or https:\/\//)
    await rejectsWith(scenarioWith('{ url: "http://h/", headers: { "bad header": x } }'), /endpoints\/0\/headers: "bad header" is not a valid header name/)
    await rejectsWith(scenarioWith('{ url: "http://h/", body: "x" }'), /endpoints\/0\/body: a GET request has no body/)
    await rejectsWith(
      scenarioWith('{ url: "http://h/" }', '      timeout: 500ms\n'),
      /\/load\/scenarios\/0\/timeout: "500ms" is too short; a request timeout is at least 1s/
    )
    await rejectsWith(scenarioWith('{ url: "http://h/" }', '      duration: soon\n'), /perf-gate\.yml:\d+.*\/load\/scenarios\/0\/duration/s)
    await rejectsWith(scenarioWith('{ url: "http://h/" }', '      duration: 0s\n'), /\/load\/scenarios\/0\/duration: "0s" must be longer than zero/)
    await rejectsWith(scenarioWith('{ url: "http://h/" }'), /input 'duration' \/ --duration: "0ms" must be longer than zero/, { load: { duration: '0ms' } })
    await rejectsWith(
      scenarioWith('{ url: "http://a/" }\n        - { url: "http://b/" }'),
      /\/load\/scenarios\/0\/endpoints: all endpoints of a scenario must be on one server/
    )
    await rejectsWith(scenarioWith('{ url: "http://h/", status: 42 }'), /\/load\/scenarios\/0\/endpoints\/0\/status/)
    await rejectsWith(
      `load:\n  scenarios: [{ name: a, endpoints: [{ url: "http://h/" }] }, { name: a, endpoints: [{ url: "http://h/" }] }]\n`,
      /\/load\/scenarios\/1\/name: "a" is used by two load scenarios/
    )
    await assert.rejects(
      resolveSettings({
        rootDir: (() => {
          const root = scratchDir()
          mkdirSync(join(root, '.github'), { recursive: true })
          writeFileSync(join(root, FILE), `suites: [{ name: load, command: "true" }]\nload:\n  scenarios: [{ endpoints: [{ url: "http://h/" }] }]\n`)
          return root
        })(),
        configExplicit: false,
        defaultBaselineStore: 'file',
        failOnRegression: true
      }),
      /\/suites\/0\/name: "load" is what the load section goes by in a config with suites \(--suite load\); rename the suite/
    )
    await rejectsWith(scenarioWith('{ url: "http://h/" }'), /input 'connections' \/ --connections must be a whole number from 1 to 10000, got "many"/, {
      load: { connections: 'many' }
    })
  })

  test('secrets: credential headers and ${{ secrets.X }} placeholders are collected for masking', async () => {
    const source = await loadFrom(
      `load:
  scenarios:
    - endpoints:
        - url: http://127.0.0.1:3000/me
          headers:
            Authorization: Bearer abcdefgh12345
            x-api-key: k-0123456789
            x-trace: \${{ secrets.TRACE_ID }}
            accept: application/json
`,
      { env: { TRACE_ID: 'trace-from-env-42' } }
    )
    const headers = source.scenarios[0]!.endpoints[0]!.headers
    assert.equal(headers['x-trace'], 'trace-from-env-42')
    for (const secret of ['Bearer abcdefgh12345', 'abcdefgh12345', 'k-0123456789', 'trace-from-env-42']) assert.ok(source.secrets.includes(secret), secret)
    assert.ok(!source.secrets.includes('application/json'))
    await rejectsWith(
      `load:\n  scenarios: [{ endpoints: [{ url: "http://h/", headers: { authorization: "\${{ secrets.API_TOKEN }}" } }] }]\n`,
      /endpoints\/0\/headers\/authorization: \$\{\{ secrets\.API_TOKEN \}\} is not set; put API_TOKEN in the environment/,
      { env: {} }
    )
  })

  test('credential-looking query values are masked and kept out of scenario names', async () => {
    const { source } = await loadFromInputs({ url: 'http://127.0.0.1:8080/search?q=shoes&api_key=abc123secret' })
    assert.equal(source.scenarios[0]!.name, '/search?q=shoes&api_key=***')
    assert.ok(source.secrets.includes('abc123secret'))
    assert.equal(source.scenarios[0]!.endpoints[0]!.url, 'http://127.0.0.1:8080/search?q=shoes&api_key=abc123secret', 'the request itself keeps the key')
  })

  test('a request mix: endpoint names (METHOD /path by default, the query left out, repeats numbered) and weights', async () => {
    const source = await loadFrom(`load:
  base-url: http://127.0.0.1:3000
  scenarios:
    - name: shop
      endpoints:
        - path: /items?api_key=s3cret
          weight: 3
        - path: /items?page=2
        - name: checkout
          method: POST
          path: /cart
          body: { sku: 1 }
`)
    assert.deepEqual(
      source.scenarios[0]!.endpoints.map((e) => [e.name, e.weight]),
      [
        ['GET /items', 3],
        ['GET /items #2', 1],
        ['checkout', 1]
      ]
    )
    await rejectsWith(
      `load:
  scenarios:
    - endpoints:
        - { name: a, url: http://127.0.0.1:3000/x }
        - { name: a, url: http://127.0.0.1:3000/y }
`,
      /\/load\/scenarios\/0\/endpoints\/1\/name: "a" names two endpoints of the scenario/
    )
    await rejectsWith(
      `load:
  scenarios:
    - endpoints: [{ url: http://127.0.0.1:3000/x, weight: 0 }]
`,
      /weight/
    )
  })

  test('stages, think time and scale: the stages set the length and the peak; scale multiplies the load; a profile may scale', async () => {
    const source = await loadFrom(`load:
  base-url: http://127.0.0.1:3000
  profile: smoke
  scenarios:
    - name: browse
      endpoints: [{ path: /a }]
      stages:
        - { duration: 10s, users: 25 }
        - { duration: 30s, users: 25 }
        - { duration: 5s, users: 0 }
      think-time: 500ms-2s
      scale: 2x
    - name: api
      endpoints: [{ path: /b }]
      stages: [{ duration: 5s, rate: 100 }, { duration: 20s, rate: 100 }]
      measure: all
    - name: stress
      profile: heavy
      endpoints: [{ path: /c }]
profiles:
  heavy: { connections: 20, duration: 5s, scale: 3 }
`)
    const [browse, api, stress] = source.scenarios
    assert.deepEqual(
      { ...browse, endpoints: undefined },
      {
        name: 'browse',
        endpoints: undefined,
        connections: 50,
        durationSeconds: 45,
        warmupSeconds: 0,
        trials: 3,
        timeoutSeconds: 10,
        scale: 2,
        thinkTime: { minSeconds: 0.5, maxSeconds: 2 },
        shape: {
          unit: 'users',
          measure: 'steady',
          stages: [
            { durationSeconds: 10, target: 50 },
            { durationSeconds: 30, target: 50 },
            { durationSeconds: 5, target: 0 }
          ]
        }
      }
    )
    assert.deepEqual([api!.ratePerSecond, api!.durationSeconds, api!.connections, api!.shape!.measure], [100, 25, 5, 'all'])
    assert.deepEqual([stress!.connections, stress!.scale, stress!.durationSeconds], [60, 3, 5])
    // The section's duration, connections and rate are defaults for other scenarios: a scenario's stages win.
    const defaults = await loadFrom(`load:
  base-url: http://127.0.0.1:3000
  duration: 5s
  connections: 7
  rate: 50
  scenarios:
    - name: ramp
      endpoints: [{ path: /a }]
      stages: [{ duration: 1s, users: 4 }, { duration: 2s, users: 4 }]
      think-time: 10ms
    - name: plain
      endpoints: [{ path: /b }]
`)
    assert.deepEqual(
      defaults.scenarios.map((s) => [s.name, s.durationSeconds, s.connections, s.ratePerSecond]),
      [
        ['ramp', 3, 4, undefined],
        ['plain', 5, 7, 50]
      ]
    )
  })

  test('bad stages, think time and scale: a clear message with the config path', async () => {
    const base = (scenario: string): string => `load:
  base-url: http://127.0.0.1:3000
  scenarios:
    - name: s
      endpoints: [{ path: /a }]
${scenario}`
    await rejectsWith(
      base('      stages: [{ duration: 10s, users: 10 }, { duration: 5s, users: 20 }]\n'),
      /\/load\/scenarios\/0\/stages: the stages never reach a steady part .* e\.g\. \{ duration: 30s, users: 20 \} .* or set measure: all/
    )
    await rejectsWith(
      base('      stages: [{ duration: 10s, users: 10 }, { duration: 5s, rate: 20 }]\n'),
      /\/stages: every stage sets users, or every stage sets rate/
    )
    await rejectsWith(base('      stages: [{ duration: 10s }]\n'), /\/stages\/0: a stage needs users .* or rate/)
    await rejectsWith(base('      stages: [{ duration: 0s, users: 3 }]\n'), /\/stages\/0\/duration: "0s" must be longer than zero/)
    await rejectsWith(base('      stages: [{ duration: 1s, users: 0 }, { duration: 1s, users: 0 }]\n'), /every stage has a target of 0; nothing would be sent/)
    await rejectsWith(base('      think-time: -1s\n'), /\/load\/scenarios\/0\/think-time: "-1s" is negative/)
    await rejectsWith(base('      think-time: 2s-1s\n'), /think-time: the shortest think time \(2s\) is longer than the longest \(1s\)/)
    await rejectsWith(
      base('      think-time: 1s\n      rate: 50\n'),
      /think-time: think time is a pause between one user's requests \(closed loop\); with a rate \(.*\/rate\)/
    )
    await rejectsWith(base('      scale: lots\n'), /\/scale: "lots" is not a load factor; write e\.g\. 2x/)
    await rejectsWith(base('      scale: 0\n'), /\/scale: "0" is not a load factor/)
    await rejectsWith(
      base('      stages: [{ duration: 1s, users: 3 }, { duration: 1s, users: 3 }]\n      duration: 10s\n'),
      /\/stages: stages set each trial's length; remove duration \(.*\/load\/scenarios\/0\/duration\)/
    )
    await rejectsWith(
      base('      stages: [{ duration: 1s, users: 3 }, { duration: 1s, users: 3 }]\n      connections: 9\n'),
      /the stages set the users \(connections\); remove connections \(.*\/connections\)/
    )
    await rejectsWith(base('      stages: [{ duration: 1s, rate: 3 }, { duration: 1s, rate: 3 }]\n      rate: 9\n'), /rate stages set the rate; remove rate/)
    await rejectsWith(
      `load:
  scenarios:
    - websocket: { url: ws://127.0.0.1:3000/ws }
      stages: [{ duration: 1s, users: 3 }, { duration: 1s, users: 3 }]
`,
      /\/stages: stages and think-time apply to HTTP scenarios; a WebSocket scenario ramps its clients with websocket\.connect-rate/
    )
  })

  test('suites and load in one config: one source, the load run after the suites; each kind keeps its default thresholds', async () => {
    const root = scratchDir()
    mkdirSync(join(root, '.github'), { recursive: true })
    writeFileSync(
      join(root, FILE),
      `suites: [{ name: bench, command: "true" }]\nload:\n  scenarios: [{ name: api, endpoints: [{ url: "http://127.0.0.1:9/" }] }]\n`
    )
    const settings = await resolveSettings({ rootDir: root, configExplicit: false, defaultBaselineStore: 'file', failOnRegression: true })
    assert.equal(settings.source.kind, 'suites')
    const source = settings.source as Extract<typeof settings.source, { kind: 'suites' }>
    assert.deepEqual([source.suites.map((suite) => suite.name), source.load?.scenarios.map((scenario) => scenario.name)], [['bench'], ['api']])
    assert.deepEqual(
      settings.thresholds.map((rule) => [rule.suite, Object.keys(rule.metrics).join(','), rule.isDefault]),
      [
        ['bench', '!(stdev|max|p98|p99*)', true],
        ['load', 'p50,p95,rps,errors', true]
      ]
    )
    // A URL at the edge is a load of its own, as before.
    const edge = await resolveSettings({
      rootDir: root,
      configExplicit: false,
      defaultBaselineStore: 'file',
      failOnRegression: true,
      load: { url: 'http://127.0.0.1:9/x' }
    })
    assert.equal(edge.source.kind, 'load')
  })

  test('the schema rejects unknown load keys with the line', () => {
    assert.throws(
      () => parseConfigText('load:\n  scenarios:\n    - endpoints: [{ url: "http://h/" }]\n      conections: 3\n', 'perf-gate.yml'),
      /perf-gate\.yml:4.*conections/s
    )
  })

  test('no url and no load section: no load source', () => {
    assert.equal(resolveLoadSource({}, undefined, 'config', '/', {}), undefined)
  })
})
