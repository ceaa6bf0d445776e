/**
 * Resident memory of a process tree (a server perf-gate started, or a suite's command with the workers it spawns),
 * sampled from /proc while it runs: the peak, and the growth from the first sample of a window to the last. Linux
 * only; elsewhere nothing is sampled and the caller says so once.
 */
import { readFile } from 'node:fs/promises'
import { readProcessTable, type ProcessEntry } from './process-group.js'

export const MEMORY_SAMPLE_MS = 250
/**
 * How often the process tree is looked up anew (a scan of all of /proc); the ticks in between read only the known
 * members' memory. Servers start their workers at start-up, so the tree rarely changes during load.
 */
const PROCESS_TREE_REFRESH_MS = 2000

/** Resident memory of a process tree over one window. */
export interface TreeMemory {
  peakMiB: number
  /** Last sample minus first sample. */
  growthMiB: number
}

interface MemoryWindow {
  firstMiB: number
  lastMiB: number
  peakMiB: number
}

/** Samples one process tree (under a root pid) every MEMORY_SAMPLE_MS until stopped. */
export class ProcessTreeMemory {
  private timer: NodeJS.Timeout | undefined
  private window: MemoryWindow | undefined
  private tree: { pids: number[]; foundAt: number } | undefined
  /** A sample is being taken: the next tick is skipped rather than overlapping it. */
  private sampling = false
  private stopped = false

  private constructor(
    private readonly rootPid: number,
    private readonly treeRefreshMs: number
  ) {}

  /**
   * Starts sampling `rootPid`'s tree; undefined where /proc is not there (not Linux) or the pid is unknown. A command
   * that is still starting its processes wants the tree looked up more often than a server (`treeRefreshMs`).
   */
  static watch(
    rootPid: number | undefined,
    { intervalMs = MEMORY_SAMPLE_MS, treeRefreshMs = PROCESS_TREE_REFRESH_MS }: { intervalMs?: number; treeRefreshMs?: number } = {}
  ): ProcessTreeMemory | undefined {
    if (rootPid === undefined || process.platform !== 'linux') return undefined
    const sampler = new ProcessTreeMemory(rootPid, treeRefreshMs)
    sampler.timer = setInterval(() => void sampler.sample(), intervalMs)
    sampler.timer.unref()
    void sampler.sample()
    return sampler
  }

  /** Starts a new window (after warm-up), with a sample now. */
  reset(): void {
    this.window = undefined
    void this.sample()
  }

  /** Peak and growth since the last reset; undefined before the first sample could be read. */
  read(): TreeMemory | undefined {
    const window = this.window
    return window ? { peakMiB: window.peakMiB, growthMiB: window.lastMiB - window.firstMiB } : undefined
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private async sample(): Promise<void> {
    if (this.stopped || this.sampling) return
    this.sampling = true
    try {
      const bytes = await rssBytes(await this.pids())
      if (bytes === undefined || this.stopped) return
      const mib = bytes / 1024 ** 2
      const window = this.window
      if (window) {
        window.lastMiB = mib
        window.peakMiB = Math.max(window.peakMiB, mib)
      } else this.window = { firstMiB: mib, lastMiB: mib, peakMiB: mib }
    } finally {
      this.sampling = false
    }
  }

  /** The tree's pids, looked up anew at most every PROCESS_TREE_REFRESH_MS. */
  private async pids(): Promise<number[]> {
    const now = Date.now()
    if (!this.tree || now - this.tree.foundAt >= this.treeRefreshMs) {
      this.tree = { pids: (await processTree(this.rootPid)) ?? [this.rootPid], foundAt: now }
    }
    return this.tree.pids
  }
}

/** Resident memory (VmRSS) summed over `rootPid`, its descendants and its process group, from /proc. */
export async function processTreeRssBytes(rootPid: number): Promise<number | undefined> {
  const pids = await processTree(rootPid)
  return pids === undefined ? undefined : rssBytes(pids)
}

/** `rootPid`, its descendants and the members of its process group, from /proc; undefined without /proc. */
async function processTree(rootPid: number): Promise<number[] | undefined> {
  let parentOf: Map<number, ProcessEntry>
  try {
    parentOf = await readProcessTable()
  } catch {
    return undefined
  }
  const members = new Set<number>([rootPid])
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, { ppid, pgrp }] of parentOf) {
      if (!members.has(pid) && (members.has(ppid) || pgrp === rootPid)) {
        members.add(pid)
        grew = true
      }
    }
  }
  return [...members]
}

/** Resident memory (VmRSS) summed over `pids`; undefined when none of them could be read. */
async function rssBytes(pids: number[]): Promise<number | undefined> {
  let total = 0
  let found = false
  for (const pid of pids) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8')
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
      if (match) {
        total += Number(match[1]) * 1024
        found = true
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return found ? total : undefined
}
