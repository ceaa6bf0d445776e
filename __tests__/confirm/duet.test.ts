/**
 * Duet A/B through the bundled CLI: a scratch git repository whose base and head commits serve the same endpoint at
 * different speeds; both servers run side by side on ports perf-gate picks (PORT), loaded together in 1 s slices (interleaved slices: a quarter of a second, or long enough for 200 requests).
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { freePort } from '../support/free-port.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

interface ServerCode {
  delayMs: number
  /** Listens on a fixed port, not PORT. */
  ignorePort?: boolean
  /** Prints a line and exits with code 3 this many ms after its first /work request. */
  crashAfterMs?: number
}

/** A server answering /work after `delayMs`; it listens on PORT (or on `fixedPort` when it ignores PORT). */
function server(code: ServerCode, fixedPort: number): string {
  const port = code.ignorePort ? String(fixedPort) : `process.env.PORT ?? ${fixedPort}`
  const crash = code.crashAfterMs
    ? `if (req.url === '/work' && !dying) dying = setTimeout(() => { console.log('base gave up'); process.exit(3) }, ${code.crashAfterMs})\n`
    : ''
  return `import { createServer } from 'node:http'\nlet dying\ncreateServer((req, res) => {\n${crash}setTimeout(() => res.end('ok'), req.url === '/work' ? ${code.delayMs} : 0)\n}).listen(Number(${port}), '127.0.0.1')\n`
}

/** A scratch repository whose base and head commits run the given servers; no `method`: the default. */
async function repo(base: ServerCode, head: ServerCode, gate: { method?: string; thresholds?: string[] } = { method: 'duet' }): Promise<string> {
  // A server that ignores PORT never answers on its arm's port: a short ready timeout bounds that test.
  const readyTimeout = base.ignorePort ? ['    ready-timeout: 5s'] : []
  const dir = scratchDir()
  const port = await freePort()
  git(dir, 'init', '-q')
  writeFileSync(join(dir, 'server.mjs'), server(base, port))
  writeFileSync(
    join(dir, 'perf-gate.yml'),
    [
      'load:',
      `  base-url: http://127.0.0.1:${port}`,
      '  connections: 2',
      '  duration: 1s',
      '  warmup: 1s',
      '  trials: 2',
      '  server:',
      '    start: node server.mjs',
      ...readyTimeout,
      '  scenarios:',
      '    - endpoints: [{ path: /work }]',
      'confirm:',
      ...(gate.method ? [`  method: ${gate.method}`] : []),
      '  looks: [6, 12]',
      'thresholds:',
      ...(gate.thresholds ?? ['p50: +20%']).map((rule) => `  ${rule}`),
      ''
    ].join('\n')
  )
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'base')
  writeFileSync(join(dir, 'server.mjs'), server(head, port))
  git(dir, 'commit', '-qam', 'head', '--allow-empty')
  return dir
}

/** The report's note on the A/B. */
function abNote(report: { notes: string[] }): string {
  return report.notes.find((line) => line.startsWith('Same-runner A/B against the base commit')) ?? report.notes.join('\n')
}

describe('side-by-side A/B', () => {
  test('by default a head twice as slow fails on interleaved slices: p50 and rps both A/B-tested in closed loop', async () => {
    const dir = await repo({ delayMs: 5 }, { delayMs: 10 }, { thresholds: ['p50: +20%', 'rps: 20%'] })
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--compare-to', 'base-commit', '--base', 'HEAD~1', '--json', 'report.json'], dir)
    assert.equal(run.exitCode, 1, run.stderr + run.stdout)
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))
    const rows = ['p50', 'rps'].map((metric) => report.metrics.find((m: { metric: string }) => m.metric === metric))
    for (const row of rows) assert.match(row.reason, /^Same-runner A\/B, \d+ pairs/)
    // Both halve; the A/B stops at the look where the first fails, which is nearly always both at once.
    assert.ok(
      rows.some((row) => row.status === 'fail'),
      JSON.stringify(rows)
    )
    for (const row of rows) assert.ok(row.status === 'fail' || /failed the gate\.$/.test(row.reason), `${row.metric}: ${row.reason}`)
    assert.match(
      abNote(report),
      /interleaved slices: base and head servers side by side, loaded in turn \(ABBA\) in slices \(GET \/work with 2 connections per arm in (0\.25|0\.[3-9]\d?|1(\.\d+)?|2) s slices\)/
    )
  })

  test('an explicit duet compares latencies; rps keeps the stored comparison and says so', async () => {
    const dir = await repo({ delayMs: 5 }, { delayMs: 10 }, { method: 'duet', thresholds: ['p50: +20%', 'rps: 20%'] })
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--compare-to', 'base-commit', '--base', 'HEAD~1', '--json', 'report.json'], dir)
    assert.equal(run.exitCode, 1, run.stderr + run.stdout)
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))
    const p50 = report.metrics.find((m: { metric: string }) => m.metric === 'p50')
    const rps = report.metrics.find((m: { metric: string }) => m.metric === 'rps')
    assert.equal(p50.status, 'fail', p50.reason)
    assert.doesNotMatch(rps.reason, /^Same-runner A\/B/)
    assert.match(rps.reason, /Not A\/B-tested: both arms were offered the same rate, so only latencies were compared\./)
    assert.match(abNote(report), /duet: base and head servers side by side, loaded together in slices \(GET \/work at \d+ req\/s per arm in 1 s slices\)/)
    assert.match(abNote(report), /The A\/B compared latencies; rps kept the stored comparison/)
    assert.match(run.stderr, /GET \/work: both servers warmed up together .* offering \d+ req\/s to each arm/)
    assert.doesNotMatch(git(dir, 'worktree', 'list'), /perf-gate-base/, 'the base checkout is removed')
  })

  test('a server that ignores PORT gets a clear error naming PORT', async () => {
    const dir = await repo({ delayMs: 1, ignorePort: true }, { delayMs: 1, ignorePort: true })
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--compare-to', 'base-commit', '--base', 'HEAD~1'], dir)
    assert.equal(run.exitCode, 2, run.stderr + run.stdout)
    assert.match(
      run.stderr + run.stdout,
      /the base arm's server \(`node server\.mjs`\) answered at http:\/\/127\.0\.0\.1:\d+\/, not at .* \(the port given in its PORT environment variable\)/
    )
    assert.match(run.stderr + run.stdout, /both servers run at once, so perf-gate gives each a free port in the PORT environment variable/)
    assert.doesNotMatch(git(dir, 'worktree', 'list'), /perf-gate-base/, 'the base checkout is removed')
  })

  test('by default a server that ignores PORT gets sequential arms, and the note says how to get interleaved slices', async () => {
    const dir = await repo({ delayMs: 5, ignorePort: true }, { delayMs: 25, ignorePort: true }, {})
    const run = await runCliEntry(
      ['run', '--config', 'perf-gate.yml', '--compare-to', 'base-commit', '--base', 'HEAD~1', '--json', 'report.json'],
      dir,
      {},
      150000
    )
    assert.equal(run.exitCode, 1, run.stderr + run.stdout)
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))
    const p50 = report.metrics.find((m: { metric: string }) => m.metric === 'p50')
    assert.equal(p50.status, 'fail', p50.reason)
    assert.match(p50.reason, /^Same-runner A\/B, \d+ pairs/)
    const note = report.notes.find((line: string) => line.startsWith('Same-runner A/B against the base commit'))
    assert.match(
      note,
      /Sequential A\/B: the base arm's server \(`node server\.mjs`\) answered at http:\/\/127\.0\.0\.1:\d+\/, not at http:\/\/127\.0\.0\.1:\d+\/ \(the port given in its PORT environment variable\)\. Make the server listen on process\.env\.PORT for interleaved slices/
    )
    assert.doesNotMatch(note, /duet: base and head servers side by side/)
  })

  test('a base server that dies during the duet ends the A/B as a run failure naming the arm, with its last output', async () => {
    // Warm-up takes at least 2 s: the base dies in the first slices.
    const dir = await repo({ delayMs: 5, crashAfterMs: 3500 }, { delayMs: 5 })
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--compare-to', 'base-commit', '--base', 'HEAD~1'], dir)
    assert.equal(run.exitCode, 2, run.stderr + run.stdout)
    assert.match(
      run.stderr,
      /side-by-side A\/B: in the base arm, the server \(`node server\.mjs`\) exited with code 3 during the load run\.\nLast output:\n {2}base gave up/
    )
    assert.doesNotMatch(git(dir, 'worktree', 'list'), /perf-gate-base/, 'the base checkout is removed')
  })
})
