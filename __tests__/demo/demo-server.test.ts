import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseDemoServerArgs, startDemoServer } from '../../src/demo/demo-server.js'
import { InputError } from '../../src/errors.js'

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url))

describe('demo server', () => {
  test('serves /fast, /items (JSON), /health and 404 elsewhere; latency scales with the factor', async () => {
    const server = await startDemoServer({ host: '127.0.0.1', port: 0, latencyMs: 20, factor: 2 })
    try {
      const started = performance.now()
      const fast = await fetch(`${server.url}/fast`)
      assert.equal(await fast.text(), 'ok')
      assert.ok(performance.now() - started >= 39, 'at least 20 ms × factor 2')
      const items = (await (await fetch(`${server.url}/items`)).json()) as { items: unknown[] }
      assert.equal(items.items.length, 20)
      assert.equal((await fetch(`${server.url}/health`)).status, 200)
      assert.equal((await fetch(`${server.url}/nope`)).status, 404)
    } finally {
      await server.close()
    }
  })

  test('flags and the environment: the factor comes from --factor, else PERF_GATE_DEMO_FACTOR, else 1', () => {
    assert.deepEqual(parseDemoServerArgs({ port: '0', 'latency-ms': '0.2' }, {}), { host: '127.0.0.1', port: 0, latencyMs: 0.2, factor: 1 })
    assert.equal(parseDemoServerArgs({}, { PERF_GATE_DEMO_FACTOR: '1.5' }).factor, 1.5)
    assert.equal(parseDemoServerArgs({ factor: '3' }, { PERF_GATE_DEMO_FACTOR: '1.5' }).factor, 3)
    assert.throws(
      () => parseDemoServerArgs({ factor: '-1' }, {}),
      (error: unknown) => error instanceof InputError && /--factor: "-1" is not a positive factor/.test(error.message)
    )
    assert.throws(() => parseDemoServerArgs({}, { PERF_GATE_DEMO_FACTOR: 'fast' }), /PERF_GATE_DEMO_FACTOR: "fast"/)
    assert.throws(() => parseDemoServerArgs({ port: '70000' }, {}), /--port: "70000" is not a port number/)
  })

  test('the port comes from --port, else PORT (as side-by-side A/B gives it), else any free port', () => {
    assert.equal(parseDemoServerArgs({ port: '4100' }, { PORT: '4200' }).port, 4100)
    assert.equal(parseDemoServerArgs({}, { PORT: '4200' }).port, 4200)
    assert.equal(parseDemoServerArgs({}, {}).port, 0)
    assert.throws(() => parseDemoServerArgs({}, { PORT: 'http' }), /PORT: "http" is not a port number/)
  })

  test('`perf-gate demo-server` prints where it listens and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'demo-server', '--port', '0', '--latency-ms', '1', '--factor', '1.0'], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
          if (match) resolve(match[1]!)
        })
        child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out}`)))
      })
      assert.equal(await (await fetch(`${url}/fast`)).text(), 'ok')
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      assert.equal(await exited, 0)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
