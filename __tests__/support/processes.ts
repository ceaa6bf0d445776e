/** Process checks for tests that stop what perf-gate started (Linux /proc). */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Whether a process still runs: a zombie waiting for a parent that never reaps it counts as gone. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** Test options for what needs a process that leaves its group: found through /proc, made by setsid (util-linux). */
export const setsidSkip =
  process.platform !== 'linux'
    ? { skip: 'processes that left their group are found through /proc (Linux only)' }
    : spawnSync('setsid', ['--version']).status !== 0
      ? { skip: 'setsid (util-linux) is not installed' }
      : {}
