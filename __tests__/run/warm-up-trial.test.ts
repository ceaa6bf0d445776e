/** A first trial still warming up is replaced: one more trial (load) or run (suites), so that as many as configured are compared. */
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { MemoryLogger } from '../../src/log.js'
import type { Trial } from '../../src/results/model.js'
import { runLoad } from '../../src/run/load/load-runner.js'
import { warmUpFirstTrial } from '../../src/run/warm-up-trial.js'
import { endpoint, scenario, startTestServer, type TestServer } from './load/test-server.js'

const trials = (p50s: number[], rps?: number[]): Trial[] =>
  p50s.map((p50, i) => ({
    metrics: {
      p50: { value: p50, unit: 'ms', direction: 'lower' },
      ...(rps ? { rps: { value: rps[i]!, unit: 'req/s', direction: 'higher' } } : {})
    }
  }))

test('the first trial is a warm-up when it stands apart on the worse side from steady others, on a watched metric', () => {
  const all = (): boolean => true
  assert.equal(warmUpFirstTrial(trials([2.7, 2.34, 2.33]), all), 'p50 16% above the others')
  assert.equal(warmUpFirstTrial(trials([2.3, 2.34, 2.33]), all), undefined, 'steady')
  assert.equal(warmUpFirstTrial(trials([1.9, 2.34, 2.33]), all), undefined, 'faster first: not a warm-up')
  assert.equal(warmUpFirstTrial(trials([2.7, 2.34]), all), undefined, 'two trials cannot tell')
  assert.equal(warmUpFirstTrial(trials([2.3, 2.34, 2.33], [1200, 2000, 2010]), all), 'rps 40% below the others')
  assert.equal(
    warmUpFirstTrial(trials([2.3, 2.34, 2.33], [1200, 2000, 2010]), (metric) => metric === 'p50'),
    undefined,
    'rps not watched'
  )
})

describe('load runner: a warm-up first trial', () => {
  const servers: TestServer[] = []
  after(async () => {
    for (const server of servers) await server.close()
  })

  /**
   * A fresh server slow (20 ms) for its first 0.5 s (the whole first trial), then quick (5 ms), loaded for 4 trials of 0.5 s (three
   * steady ones after the cold one: two could differ by 10% the same way and read as a drift).
   * The quick answers wait 5 ms, not 1 ms: a 1 ms timer scatters its trials' p50 by 15% (1.59 then 1.37 ms), which
   * reads as trials still drifting, not as one warm-up trial before steady ones.
   */
  async function coldStart(fixedTrials: boolean) {
    const server = await startTestServer()
    servers.push(server)
    const log = new MemoryLogger()
    const notes: string[] = []
    const load = scenario('cold start', [endpoint(`${server.url}/cold?for=500&slow=20&warm=5`)], { trials: 4, durationSeconds: 0.5 })
    const results = await runLoad({ kind: 'load', scenarios: [load], secrets: [] }, { log, notes, fixedTrials })
    return { log: log.lines.join('\n'), notes: notes.join('\n'), p50s: results.scenarios[0]!.trials.map((trial) => trial.metrics.p50!.value) }
  }

  test('gets one more trial and is left out of the results, named in the log and the notes', async () => {
    const { log, notes, p50s } = await coldStart(false)
    assert.equal(p50s.length, 4, `the cold trial 1 left out, four warm ones compared: ${p50s.join(', ')}`)
    assert.ok(Math.max(...p50s) < 2 * Math.min(...p50s), `only warm trials: ${p50s.join(', ')}`)
    assert.match(
      log,
      /load cold start: trial 1 looks like a warm-up \((p50|p95) \d+% above the others\) and is left out; one more trial, so that 4 are compared\./
    )
    assert.match(log, /load cold start trial 5\/5/)
    assert.match(
      notes,
      /Load cold start: trial 1 was still warming up .*, so it is left out of every row and a trial 5 was run: 4 trials are compared; a longer `warmup` avoids it\./
    )
  })

  test('load shards run exactly the configured trials (they are merged trial by trial)', async () => {
    const { log, p50s } = await coldStart(true)
    assert.equal(p50s.length, 4)
    assert.doesNotMatch(log, /one more trial/)
  })
})
