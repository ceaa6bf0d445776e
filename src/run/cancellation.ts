/**
 * Cancellation by the runner or a terminal. The first SIGINT or SIGTERM aborts the run: its parts stop the process
 * groups they started (suite, server under load, base-worktree build and arms) and unwind, and no baseline is
 * saved. GitHub cancels a job with SIGINT, then SIGTERM about 7.5 s later, then kills it: later signals are absorbed
 * so the stop in progress is not cut short, and a last-resort exit keeps the whole stop inside that window.
 */
import { RunError } from '../errors.js'

/** After the first signal, perf-gate exits by this time even if something still holds the event loop. */
export const CANCEL_EXIT_DEADLINE_MS = 6500
/** Exit code of a cancelled run: it failed to run (no verdict), like other run failures. */
const CANCELLED_EXIT_CODE = 2

export interface Cancellation {
  signal: AbortSignal
  /** The signal that cancelled the run; undefined while it runs on. */
  readonly receivedSignal: NodeJS.Signals | undefined
  /** Removes the handlers (the run is over); after a cancellation they stay, absorbing signals until the exit. */
  dispose(): void
}

/** Installs SIGINT and SIGTERM handlers that abort the returned signal. */
export function cancelOnSignals(options: { exitDeadlineMs?: number } = {}): Cancellation {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const onSignal = (name: NodeJS.Signals): void => {
    if (received) return
    received = name
    controller.abort(new RunError(`cancelled by ${name}`))
    // Unref'd: it only fires when something keeps the process alive past the bounded stops.
    setTimeout(() => process.exit(CANCELLED_EXIT_CODE), options.exitDeadlineMs ?? CANCEL_EXIT_DEADLINE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    get receivedSignal() {
      return received
    },
    dispose: () => {
      // A cancelled run unwinds and exits: the runner's SIGTERM may land between the two, and must not turn the exit
      // code of a clean stop (2) into a death by signal.
      if (received) return
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

/** Throws when the run was cancelled: nothing after this point (a baseline save) may happen. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new RunError(`cancelled ${what}`)
}
