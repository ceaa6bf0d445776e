/**
 * Processes found by an environment marker. A process that leaves its process group (`setsid`, a double-forking
 * daemon) escapes a group kill, but it keeps the environment it inherited: a unique variable given to the command
 * perf-gate starts finds every descendant on Linux by reading /proc/<pid>/environ (readable for the same user).
 */
import { randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'

/** The variable every server perf-gate starts (and all its descendants) carries, with a value unique per start. */
export const SERVER_MARKER_VARIABLE = 'PERF_GATE_SERVER_ID'

const POLL_MS = 25
/** How long to wait for the kernel to remove SIGKILLed processes before giving up on watching them. */
const KILLED_WAIT_MS = 1000

export interface ProcessMarker {
  variable: string
  value: string
}

export interface MarkedProcess {
  pid: number
  /** Its process group: a group other than the one perf-gate started means the process left it. */
  pgrp: number
}

/** A fresh marker for one started command. */
export function newMarker(variable = SERVER_MARKER_VARIABLE): ProcessMarker {
  return { variable, value: randomUUID() }
}

/** The marker as an environment entry, to merge into the started command's environment. */
export function markerEnv(marker: ProcessMarker): Record<string, string> {
  return { [marker.variable]: marker.value }
}

/**
 * Live processes (zombies excluded) carrying the marker, perf-gate itself never; undefined where processes cannot
 * be listed this way (no /proc, as on macOS).
 */
export async function findMarked(marker: ProcessMarker): Promise<MarkedProcess[] | undefined> {
  let names: string[]
  try {
    names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  const entry = `${marker.variable}=${marker.value}`
  const found: MarkedProcess[] = []
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(name)
      if (pid === process.pid) return
      try {
        const environ = await readFile(`/proc/${name}/environ`, 'utf8')
        if (!environ.split('\0').includes(entry)) return
        const stat = await readFile(`/proc/${name}/stat`, 'utf8')
        // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp ...
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        if (fields[0] === 'Z') return
        found.push({ pid, pgrp: Number(fields[2]) })
      } catch {
        // Ended meanwhile, or another user's process (not readable, and not ours).
      }
    })
  )
  return found.sort((a, b) => a.pid - b.pid)
}

/**
 * Stops every process carrying the marker: SIGTERM, then SIGKILL to those still running after `graceMs`; processes
 * they fork meanwhile are found on each look. Resolves with every process it found (undefined without /proc) once
 * none runs, or at the latest `graceMs` + 1 s after the call.
 */
export async function stopMarked(marker: ProcessMarker, graceMs: number): Promise<MarkedProcess[] | undefined> {
  const first = await findMarked(marker)
  if (first === undefined) return undefined
  const seen = new Map<number, MarkedProcess>()
  const signalAll = (processes: MarkedProcess[], signal: NodeJS.Signals): void => {
    for (const found of processes) {
      if (signal === 'SIGTERM' && seen.has(found.pid)) continue
      seen.set(found.pid, found)
      try {
        process.kill(found.pid, signal)
      } catch {
        // Already gone.
      }
    }
  }
  signalAll(first, 'SIGTERM')
  const killAt = Date.now() + graceMs
  const giveUpAt = killAt + KILLED_WAIT_MS
  let remaining = first
  while (remaining.length > 0 && Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    remaining = (await findMarked(marker)) ?? []
    signalAll(remaining, Date.now() >= killAt ? 'SIGKILL' : 'SIGTERM')
  }
  return [...seen.values()].sort((a, b) => a.pid - b.pid)
}
