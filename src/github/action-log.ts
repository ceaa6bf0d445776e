/**
 * The Action's logger: @actions/core underneath, and the output of the processes perf-gate starts (suite, server,
 * base build: the lines run/ relays as `  │ text`) folded into `::group::` blocks titled by the line that announced
 * them ("Running suite ...", "Starting server ..."), so a reviewer sees perf-gate's own story unfolded. A group
 * closes before any other line, warning or error; the failure message that follows repeats the process's last
 * lines outside the fold (run/ puts them in its errors).
 */
import * as core from '@actions/core'
import { RELAYED_OUTPUT_PREFIX, type Logger } from '../log.js'

export interface GroupingLogger extends Logger {
  /** Closes an open group; call before writing to the log by other means (core.setFailed, a summary echo). */
  closeGroup(): void
}

/** Where the lines go: @actions/core in the Action, a recorder in tests. */
export interface ActionLogSink {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  debug(message: string): void
  setSecret(value: string): void
  startGroup(title: string): void
  endGroup(): void
}

export const toolkitLogSink: ActionLogSink = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  error: (message) => core.error(message),
  debug: (message) => core.debug(message),
  setSecret: (value) => core.setSecret(value),
  startGroup: (title) => core.startGroup(title),
  endGroup: () => core.endGroup()
}

export function createActionLogger(sink: ActionLogSink = toolkitLogSink): GroupingLogger {
  let open = false
  let lastAnnouncement = 'output'
  const closeGroup = (): void => {
    if (open) sink.endGroup()
    open = false
  }
  const own = (write: (message: string) => void) => (message: string) => {
    closeGroup()
    write(message)
  }
  return {
    info: (message) => {
      if (message.startsWith(RELAYED_OUTPUT_PREFIX)) {
        if (!open) sink.startGroup(`Output: ${lastAnnouncement}`)
        open = true
        sink.info(message.slice(RELAYED_OUTPUT_PREFIX.length))
        return
      }
      closeGroup()
      lastAnnouncement = message.split('\n', 1)[0]!
      sink.info(message)
    },
    warn: own((message) => sink.warning(message)),
    error: own((message) => sink.error(message)),
    // Debug lines are hidden unless step debugging is on; they need not break a fold.
    debug: (message) => sink.debug(message),
    addSecret: (value) => sink.setSecret(value),
    progress: own((line) => sink.info(line)),
    progressDone: () => {},
    closeGroup
  }
}
