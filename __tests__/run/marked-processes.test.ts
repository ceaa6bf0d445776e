import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'

import { describe, test } from 'node:test'
import { findMarked, markerEnv, newMarker, stopMarked } from '../../src/run/marked-processes.js'
import { alive } from '../support/processes.js'

const linuxOnly = process.platform === 'linux' ? {} : { skip: 'marked processes are found through /proc (Linux only)' }

/** Starts `script` under node, detached in a session of its own (as setsid would), with `env`. */
function startDetached(script: string, env: Record<string, string>): number {
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, ...env }, detached: true, stdio: 'ignore' })
  child.unref()
  return child.pid!
}

describe('processes found by an environment marker', linuxOnly, () => {
  test('finds the processes started with the marker (not perf-gate itself, not others) and stops them', async () => {
    const marker = newMarker()
    const marked = startDetached('setInterval(() => {}, 1000)', markerEnv(marker))
    const other = startDetached('setInterval(() => {}, 1000)', markerEnv(newMarker()))
    try {
      const found = await findMarked(marker)
      assert.deepEqual(
        found?.map((entry) => entry.pid),
        [marked]
      )
      assert.equal(found![0]!.pgrp, marked, 'a process of its own group (it left the one that started it)')
      const stopped = await stopMarked(marker, 1000)
      assert.deepEqual(
        stopped?.map((entry) => entry.pid),
        [marked]
      )
      assert.equal(alive(marked), false)
      assert.equal(alive(other), true, 'a process with another marker is left alone')
      assert.deepEqual(await findMarked(marker), [])
    } finally {
      for (const pid of [marked, other]) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Already stopped.
        }
      }
    }
  })

  test('one that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const marker = newMarker()
    const stubborn = startDetached("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)", markerEnv(marker))
    try {
      // Let it install its handler before it is signalled.
      await new Promise((resolve) => setTimeout(resolve, 300))
      const started = Date.now()
      await stopMarked(marker, 300)
      assert.equal(alive(stubborn), false)
      assert.ok(Date.now() - started >= 300, 'it had its grace period')
    } finally {
      try {
        process.kill(stubborn, 'SIGKILL')
      } catch {
        // Already stopped.
      }
    }
  })
})
