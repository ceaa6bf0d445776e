import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cancelOnSignals } from '../../src/run/cancellation.js'

type Listeners = Record<'SIGINT' | 'SIGTERM', NodeJS.SignalsListener[]>

/** Takes off the handlers a test added (the process of the test runner outlives it). */
function removeAddedListeners(before: Listeners): void {
  for (const name of ['SIGINT', 'SIGTERM'] as const)
    for (const listener of process.listeners(name)) if (!before[name].includes(listener)) process.off(name, listener)
}

test('a run that was not cancelled takes its signal handlers off when it ends', () => {
  const before: Listeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }
  const cancellation = cancelOnSignals()
  assert.equal(process.listenerCount('SIGTERM'), before.SIGTERM.length + 1)
  cancellation.dispose()
  assert.equal(process.listenerCount('SIGINT'), before.SIGINT.length)
  assert.equal(process.listenerCount('SIGTERM'), before.SIGTERM.length)
  assert.equal(cancellation.signal.aborted, false)
})

test('after SIGINT, the SIGTERM that follows is absorbed even once the run has unwound (exit 2, not death by signal)', () => {
  const before: Listeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }
  // A deadline far away: the test process must not exit.
  const cancellation = cancelOnSignals({ exitDeadlineMs: 2 ** 31 - 1 })
  try {
    process.emit('SIGINT', 'SIGINT')
    assert.equal(cancellation.signal.aborted, true)
    assert.equal(cancellation.receivedSignal, 'SIGINT')
    cancellation.dispose()
    // Still handled: without a handler, the runner's SIGTERM would kill the process before it exits with 2.
    assert.equal(process.listenerCount('SIGTERM'), before.SIGTERM.length + 1)
    process.emit('SIGTERM', 'SIGTERM')
    assert.equal(cancellation.receivedSignal, 'SIGINT', 'the first signal is the one reported')
  } finally {
    removeAddedListeners(before)
  }
})
