/**
 * Duet A/B through the bundled CLI: a scratch git repository whose base and head commits serve the same endpoint at
 * different speeds; both servers run side by side on ports perf-gate picks (PORT), loaded together in 1 s slices.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCliEntry, scratchDir } from '../support/spawn-dist.js'
import { freePort } from '../support/free-port.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd })
    .toString()
    .trim()
}

/** A server answering /work after `delayMs`; it listens on PORT (or a fixed port when `ignorePort`). */
function server(delayMs: number, fixedPort: number, ignorePort = false): string {
  const port = ignorePort ? String(fixedPort) : `process.env.PORT ?? ${fixedPort}`
  return `import { createServer } from 'node:http'\nconst delay = ${delayMs}\ncreateServer((req, res) => setTimeout(() => res.end('ok'), req.url === '/work' ? delay : 0)).listen(Number(${port}), '127.0.0.1')\n`
}

async function repo(baseDelay: number, headDelay: number, ignorePort = false): Promise<string> {
  // A server that ignores PORT never answers on its arm's port: a short ready timeout keeps that test quick.
  const readyTimeout = ignorePort ? ['    ready-timeout: 5s'] : []
  const dir = scratchDir()
  const port = await freePort()
  git(dir, 'init', '-q')
  writeFileSync(join(dir, 'server.mjs'), server(baseDelay, port, ignorePort))
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
      '  method: duet',
      '  looks: [6, 12]',
      'thresholds:',
      '  p50: +20%',
      ''
    ].join('\n')
  )
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'base')
  writeFileSync(join(dir, 'server.mjs'), server(headDelay, port, ignorePort))
  git(dir, 'commit', '-qam', 'head', '--allow-empty')
  return dir
}

describe('duet A/B', () => {
  test('a head that is twice as slow fails on slices measured side by side; the note says how the duet ran', async () => {
    const dir = await repo(5, 10)
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--compare-to', 'base-commit', '--base', 'HEAD~1', '--json', 'report.json'], dir)
    assert.equal(run.exitCode, 1, run.stderr + run.stdout)
    const report = JSON.parse(execFileSync('cat', [join(dir, 'report.json')]).toString())
    const p50 = report.metrics.find((m: { metric: string }) => m.metric === 'p50')
    assert.equal(p50.status, 'fail', p50.reason)
    assert.ok(
      report.notes.some((note: string) =>
        /duet: base and head servers side by side, loaded together in 1 s slices \(GET \/work at \d+ req\/s per arm\)/.test(note)
      ),
      report.notes.join('\n')
    )
    assert.match(run.stderr, /duet GET \/work: warmed up together/)
    assert.doesNotMatch(git(dir, 'worktree', 'list'), /perf-gate-base/, 'the base checkout is removed')
  })

  test('a server that ignores PORT gets a clear error naming PORT', async () => {
    const dir = await repo(1, 1, true)
    const run = await runCliEntry(['run', '--config', 'perf-gate.yml', '--compare-to', 'base-commit', '--base', 'HEAD~1'], dir)
    assert.match(run.stderr + run.stdout, /both servers run at once, so perf-gate gives each a free port in the PORT environment variable/)
  })
})
