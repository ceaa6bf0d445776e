/**
 * Process groups perf-gate starts (suites, servers, builds) and how they are stopped: every member, also
 * descendants that ignore SIGTERM or outlive the shell that started them, within a bounded time.
 */
import { readdir, readFile } from 'node:fs/promises'

/** How long a group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 3000
/** How long to wait for the kernel to remove a SIGKILLed group before giving up on watching it. */
const KILLED_WAIT_MS = 1000
const POLL_MS = 25

/** Sends `signal` to the whole process group led by `pid` (spawned with `detached: true`); gone groups are fine. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is already gone.
  }
}

/**
 * Stops the group led by `pid`: SIGTERM, then SIGKILL to the whole group once `graceMs` passed and any member
 * still runs. Resolves when no member runs, or at the latest `graceMs` + 1 s after the call.
 */
export async function stopGroup(pid: number | undefined, graceMs = KILL_GRACE_MS): Promise<void> {
  if (pid === undefined || !(await groupAlive(pid))) return
  signalGroup(pid, 'SIGTERM')
  if (await waitForGroupExit(pid, graceMs)) return
  signalGroup(pid, 'SIGKILL')
  await waitForGroupExit(pid, KILLED_WAIT_MS)
}

/** True once no member of the group runs; false if some still does after `timeoutMs`. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!(await groupAlive(pgid))) return true
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

export interface ProcessEntry {
  ppid: number
  pgrp: number
  /** One letter: R, S, D, Z (zombie), ... */
  state: string
}

/** pid → parent, process group and state of every process, from /proc (throws without /proc). */
export async function readProcessTable(): Promise<Map<number, ProcessEntry>> {
  const names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  const table = new Map<number, ProcessEntry>()
  await Promise.all(
    names.map(async (name) => {
      try {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8')
        // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp ...
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        table.set(Number(name), { state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]) })
      } catch {
        // The process ended meanwhile.
      }
    })
  )
  return table
}

/** Whether any process of the group still runs (zombies, which only wait to be reaped, do not count). */
export async function groupAlive(pgid: number): Promise<boolean> {
  if (process.platform === 'linux') {
    try {
      for (const entry of (await readProcessTable()).values()) if (entry.pgrp === pgid && entry.state !== 'Z') return true
      return false
    } catch {
      // No /proc: fall through to the signal probe.
    }
  }
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}
