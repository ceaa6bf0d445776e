import { describe, test } from 'node:test'
import { readFileSync } from 'node:fs'
import assert from 'node:assert/strict'
import { runCommand } from '../../src/run/command.js'
import { KILL_GRACE_MS } from '../../src/run/process-group.js'
import { MemoryLogger } from '../../src/log.js'
import { scratchDir } from '../support/spawn-dist.js'
import { alive, setsidSkip } from '../support/processes.js'

describe('command runner', () => {
  test('streams output to the log, keeps stdout, and reports the exit code', async () => {
    const log = new MemoryLogger()
    const outcome = await runCommand(
      { command: 'echo out; echo err >&2; echo "$GREETING"; exit 3', cwd: scratchDir(), env: { GREETING: 'hi' }, timeoutMs: 10000 },
      log
    )
    assert.equal(outcome.exitCode, 3)
    assert.equal(outcome.timedOut, false)
    assert.equal(outcome.stdout, 'out\nhi\n')
    assert.deepEqual(log.lines.filter((l) => l.startsWith('info:')).length, 3)
    // Two pipes have no common order: both streams are in the tail, each in its own order.
    assert.deepEqual(outcome.outputTail.split('\n').sort(), ['err', 'hi', 'out'])
  })

  test('a working directory that does not exist is named (exit 3), not blamed on the shell', async () => {
    const cwd = `${scratchDir()}/nope`
    await assert.rejects(runCommand({ command: 'true', cwd, env: {}, timeoutMs: 10000 }, new MemoryLogger()), (error: Error) => {
      assert.equal(error.name, 'InputError')
      assert.equal(error.message, `cannot run \`true\`: its working directory ${cwd} does not exist (a suite's cwd, or input 'working-directory')`)
      return true
    })
  })

  test('at the time limit the whole process group dies, grandchildren included', async () => {
    const dir = scratchDir()
    const outcome = await runCommand({ command: 'sleep 60 & echo $! > child.pid; sleep 60', cwd: dir, env: {}, timeoutMs: 500 }, new MemoryLogger())
    assert.equal(outcome.timedOut, true)
    const grandchild = Number(readFileSync(`${dir}/child.pid`, 'utf8'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(alive(grandchild), false, 'the background child was killed too')
  })

  test('cancellation stops the command', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    const outcome = await runCommand({ command: 'sleep 30', cwd: scratchDir(), env: {}, timeoutMs: 60000 }, new MemoryLogger(), controller.signal)
    assert.equal(outcome.cancelled, true)
    assert.notEqual(outcome.exitCode, 0)
  })

  // A descendant that ignores SIGTERM and keeps the stdout pipe open: the shell leader dies on SIGTERM, the
  // descendant does not. The runner must escalate to SIGKILL on the group and return within the limit + grace.
  const stubborn = `(trap '' TERM; exec sleep 60) & echo $! > child.pid`

  test('a timed-out suite whose descendant ignores SIGTERM and holds stdout: the group is SIGKILLed and the run returns', async () => {
    const dir = scratchDir()
    const started = Date.now()
    const outcome = await runCommand({ command: `${stubborn}; sleep 60`, cwd: dir, env: {}, timeoutMs: 300 }, new MemoryLogger())
    const elapsedMs = Date.now() - started
    assert.equal(outcome.timedOut, true)
    const descendant = Number(readFileSync(`${dir}/child.pid`, 'utf8'))
    assert.equal(alive(descendant), false, 'the descendant that ignored SIGTERM was killed')
    // Bounded: the time limit, the SIGTERM grace and the SIGKILL wait; nowhere near the descendant's 60 s.
    assert.ok(elapsedMs < 300 + KILL_GRACE_MS + 5000, `returned after ${elapsedMs} ms`)
  })

  test('after a normal finish, a leftover that ignores SIGTERM and holds stdout is killed too', async () => {
    const dir = scratchDir()
    const outcome = await runCommand({ command: `${stubborn}; echo done`, cwd: dir, env: {}, timeoutMs: 60000 }, new MemoryLogger())
    assert.equal(outcome.exitCode, 0)
    assert.equal(outcome.stdout, 'done\n')
    const leftover = Number(readFileSync(`${dir}/child.pid`, 'utf8'))
    assert.equal(alive(leftover), false, 'the leftover was killed')
  })

  test('a descendant that left the process group (setsid) is stopped by its marker after the suite ends, and the log says so', setsidSkip, async () => {
    const dir = scratchDir()
    const log = new MemoryLogger()
    // setsid forks when the shell made it a group leader: the pid file is written by the escaped process itself.
    const outcome = await runCommand(
      { command: `setsid sh -c 'echo $$ > escaped.pid; exec sleep 60' > /dev/null 2>&1 & sleep 0.3; echo done`, cwd: dir, env: {}, timeoutMs: 60000 },
      log
    )
    assert.equal(outcome.exitCode, 0)
    const escaped = Number(readFileSync(`${dir}/escaped.pid`, 'utf8'))
    assert.equal(alive(escaped), false, 'the process that left the group was stopped')
    assert.ok(
      log.lines.some((line) =>
        new RegExp(`left process\\(es\\) outside its process group \\(setsid or a daemon\\); stopped them \\(pid ${escaped}\\)`).test(line)
      ),
      log.lines.join('\n')
    )
  })
})
