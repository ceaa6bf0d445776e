import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { resolveSettings, type EdgeSettings } from '../../src/config/resolve-settings.js'
import type { LoadSource } from '../../src/config/settings.js'
import { InputError } from '../../src/errors.js'
import { scratchDir } from '../support/spawn-dist.js'

const FILE = '.github/perf-gate.yml'

async function loadFrom(yaml: string, extra: Partial<EdgeSettings> = {}): Promise<LoadSource> {
  const root = scratchDir()
  mkdirSync(join(root, '.github'), { recursive: true })
  writeFileSync(join(root, FILE), yaml)
  const settings = await resolveSettings({ rootDir: root, configExplicit: false, defaultBaselineStore: 'file', failOnRegression: true, ...extra })
  assert.equal(settings.source.kind, 'load')
  return settings.source as LoadSource
}

async function rejectsWith(yaml: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadFrom(yaml), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error))
    assert.match(error.message, pattern)
    return true
  })
}

describe('WebSocket load settings', () => {
  test('a websocket scenario: URL, JSON message, rates, and the knobs every load scenario shares', async () => {
    const source = await loadFrom(`load:
  profile: smoke
  server:
    start: node server.js
  scenarios:
    - name: chat
      connections: 25
      duration: 4s
      websocket:
        url: ws://127.0.0.1:8080/chat?token=abcdefgh12
        message: { type: ping }
        message-rate: 5
        connect-rate: 10
    - endpoints: [{ url: http://127.0.0.1:8080/health }]
`)
    assert.equal(source.scenarios.length, 1)
    assert.deepEqual(source.websocketScenarios, [
      {
        name: 'chat',
        url: 'ws://127.0.0.1:8080/chat?token=abcdefgh12',
        message: '{"type":"ping"}',
        clients: 25,
        durationSeconds: 4,
        warmupSeconds: 1,
        trials: 3,
        timeoutSeconds: 10,
        messageRatePerSecond: 5,
        connectRatePerSecond: 10
      }
    ])
    // A token in the query is masked in logs.
    assert.ok(source.secrets.includes('abcdefgh12'))
  })

  test('a websocket-only config: default name and default message, no HTTP scenario', async () => {
    const source = await loadFrom(`load:
  server: { start: node server.js }
  scenarios:
    - websocket: { url: "wss://127.0.0.1:8443/echo" }
`)
    assert.equal(source.scenarios.length, 0)
    assert.equal(source.websocketScenarios![0]!.name, 'WS /echo')
    assert.equal(source.websocketScenarios![0]!.message, 'ping')
  })

  test('the url input with ws:// makes one WebSocket scenario', async () => {
    const root = scratchDir()
    const settings = await resolveSettings({
      rootDir: root,
      configExplicit: false,
      defaultBaselineStore: 'file',
      failOnRegression: true,
      load: { url: 'ws://127.0.0.1:9000/live', connections: '7', duration: '2s' }
    })
    const source = settings.source as LoadSource
    assert.deepEqual(
      source.websocketScenarios!.map((scenario) => [scenario.name, scenario.clients, scenario.durationSeconds]),
      [['WS /live', 7, 2]]
    )
    // The default thresholds of a WebSocket run gate round trips, the message rate and failed clients.
    const defaults = settings.thresholds.find((rule) => rule.isDefault)!
    assert.deepEqual(Object.keys(defaults.metrics), ['rtt p50', 'rtt p95', 'messages/s', 'errors'])
  })

  test('bad input is exit 3 naming the config file and the field', async () => {
    await rejectsWith(
      `load:\n  scenarios:\n    - websocket: { url: "http://127.0.0.1:8080/chat" }\n`,
      /^\.github\/perf-gate\.yml:3: \/load\/scenarios\/0\/websocket\/url: "http:\/\/127\.0\.0\.1:8080\/chat" must be ws:\/\/ or wss:\/\//
    )
    await rejectsWith(
      `load:\n  scenarios:\n    - websocket: { url: "chat" }\n`,
      /\.github\/perf-gate\.yml:3: \/load\/scenarios\/0\/websocket\/url: "chat" is not an absolute URL/
    )
    await rejectsWith(
      `load:\n  scenarios:\n    - connections: -5\n      websocket: { url: "ws://127.0.0.1:8080/" }\n`,
      /config file \.github\/perf-gate\.yml is invalid:[\s\S]*\.github\/perf-gate\.yml:3: \/load\/scenarios\/0\/connections/
    )
    await rejectsWith(
      `load:\n  scenarios:\n    - websocket:\n        url: "ws://127.0.0.1:8080/"\n        message-rate: 0\n`,
      /config file \.github\/perf-gate\.yml is invalid:[\s\S]*\.github\/perf-gate\.yml:5: \/load\/scenarios\/0\/websocket\/message-rate/
    )
    await rejectsWith(
      `load:\n  scenarios:\n    - websocket:\n        url: "ws://127.0.0.1:8080/"\n        connect-rate: -1\n`,
      /\.github\/perf-gate\.yml:5: \/load\/scenarios\/0\/websocket\/connect-rate/
    )
    await rejectsWith(
      `load:\n  scenarios:\n    - rate: 100\n      websocket: { url: "ws://127.0.0.1:8080/" }\n`,
      /\/load\/scenarios\/0\/rate: a WebSocket scenario paces each client, not all of them: use websocket\.message-rate/
    )
    await rejectsWith(
      `load:\n  scenarios:\n    - websocket: { url: "ws://127.0.0.1:8080/" }\n      endpoints: [{ url: "http://127.0.0.1:8080/" }]\n`,
      /\.github\/perf-gate\.yml:3: \/load\/scenarios\/0: give either endpoints \(HTTP\) or websocket, not both/
    )
    await rejectsWith(
      `load:\n  scenarios:\n    - endpoints: [{ url: "ws://127.0.0.1:8080/" }]\n`,
      /must be http:\/\/ or https:\/\/ \(for WebSocket load, give the scenario websocket/
    )
  })
})
