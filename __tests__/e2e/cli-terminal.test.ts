/**
 * The CLI's output as a terminal or a CI log shows it, through dist/cli.js: colour decided by FORCE_COLOR,
 * NO_COLOR and TERM=dumb; a long load reports its percentage and time left every few seconds.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { CLI_ENTRY, REPO_ROOT, baseEnv, runNode, scratchDir } from '../support/spawn-dist.js'

const ESC = '\u001b['

function compareIn(env: NodeJS.ProcessEnv, extra: string[] = []) {
  const dir = scratchDir()
  cpSync(join(REPO_ROOT, 'examples/local-action/baseline-results.json'), join(dir, 'before.json'))
  cpSync(join(REPO_ROOT, 'examples/local-action/results.json'), join(dir, 'after.json'))
  // baseEnv sets NO_COLOR=1 for quiet tests; these set their own colour variables.
  const { NO_COLOR: _noColor, ...plain } = baseEnv()
  return runNode(CLI_ENTRY, ['compare', '--baseline', 'before.json', '--current', 'after.json', '-t', 'time: +50%', '--all', ...extra], {
    cwd: dir,
    env: { ...plain, ...env }
  })
}

test('FORCE_COLOR colours a piped CI log; NO_COLOR, TERM=dumb, FORCE_COLOR=0 and --no-color keep it plain', async () => {
  const forced = await compareIn({ FORCE_COLOR: '1', CI: 'true', GITHUB_ACTIONS: 'true' })
  assert.equal(forced.exitCode, 0, forced.stderr)
  assert.ok(forced.stdout.includes(ESC), 'colour codes with FORCE_COLOR=1')
  for (const [env, extra] of [
    [{ CI: 'true', GITHUB_ACTIONS: 'true' }, []],
    [{ NO_COLOR: '1' }, []],
    [{ TERM: 'dumb', CI: 'true' }, []],
    [{ FORCE_COLOR: '0' }, []],
    [{ FORCE_COLOR: '1' }, ['--no-color']]
  ] as const) {
    const run = await compareIn(env, [...extra])
    assert.equal(run.exitCode, 0, run.stderr)
    assert.ok(!run.stdout.includes(ESC), `no colour codes with ${JSON.stringify(env)} ${extra.join(' ')}`)
    assert.match(run.stdout, /sleep 0\.01/)
  }
})

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolvePort(port))
    })
  })
}

test('a load longer than the progress interval prints its percentage and time left in a log', { timeout: 60_000 }, async () => {
  const port = await freePort()
  const dir = scratchDir()
  const run = await runNode(
    CLI_ENTRY,
    [
      'run',
      '--url',
      `http://127.0.0.1:${port}/fast`,
      '--start',
      `node "${CLI_ENTRY}" demo-server --port ${port}`,
      '--ready-url',
      '/health',
      '--duration',
      '6s',
      '--trials',
      '1',
      '--connections',
      '2'
    ],
    { cwd: dir, env: baseEnv({ CI: 'true' }), timeoutMs: 50_000 }
  )
  assert.equal(run.exitCode, 0, run.stderr)
  assert.match(run.stderr, /^load \/fast trial 1\/1: \d{1,3}% · \d+s left · \d+ requests, \d+ req\/s, 0 errors$/m)
  assert.doesNotMatch(run.stderr, /\r|\u001b\[2K/, 'no live-line control codes in a log')
})

/** util-linux `script` gives the CLI a real terminal (a pty); without it these tests cannot see what a terminal shows. */
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0
const needsPty = hasScript ? {} : { skip: 'needs util-linux `script` to run the CLI in a pseudo-terminal' }

function inTerminal(args: string[], env: NodeJS.ProcessEnv, cwd: string): { status: number | null; output: string } {
  const command = [process.execPath, CLI_ENTRY, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ')
  const { NO_COLOR: _noColor, ...plain } = baseEnv()
  const run = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd, encoding: 'utf8', env: { ...plain, ...env }, timeout: 60_000 })
  return { status: run.status, output: run.stdout }
}

test(
  'in a terminal: one live progress line redrawn every second with percentage and time left; colour unless TERM=dumb',
  { ...needsPty, timeout: 90_000 },
  async () => {
    const port = await freePort()
    const dir = scratchDir()
    const load = [
      'run',
      '--url',
      `http://127.0.0.1:${port}/fast`,
      '--start',
      `node "${CLI_ENTRY}" demo-server --port ${port}`,
      '--ready-url',
      '/health',
      '--duration',
      '3s',
      '--trials',
      '1',
      '--connections',
      '2'
    ]
    const live = inTerminal(load, { TERM: 'xterm-256color' }, dir)
    assert.equal(live.status, 0, live.output)
    const redraws = live.output.match(/\r\u001b\[2Kload \/fast trial 1\/1: \d{1,3}% · \d+s left · /g) ?? []
    assert.ok(redraws.length >= 2, `live redraws: ${redraws.length}\n${JSON.stringify(live.output)}`)
    assert.ok(live.output.includes('\u001b[1m'), 'the report is coloured in a colour terminal')

    const dumb = inTerminal(load, { TERM: 'dumb' }, dir)
    assert.equal(dumb.status, 0, dumb.output)
    assert.doesNotMatch(dumb.output, /\u001b\[/, 'TERM=dumb: no escape codes at all, neither colour nor line redraws')
  }
)
