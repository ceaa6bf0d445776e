import { arch, cpus, loadavg, platform, totalmem } from 'node:os'
import type { EnvironmentFingerprint } from './model.js'

/** The machine's 1-minute load average per core now, or undefined where the OS keeps none (Windows reads 0 0 0). */
export function machineLoadPerCore(): number | undefined {
  const [oneMinute] = loadavg()
  if (!oneMinute || oneMinute <= 0) return undefined
  return Math.round((oneMinute / Math.max(1, cpus().length)) * 100) / 100
}

/**
 * Describes this machine; `runner` says where it runs ("github-actions:ubuntu24" or "local"). `loadAtStart` is the
 * load read when the run started: with the reading now, the higher one says how busy the machine was while it ran.
 */
export function currentEnvironment(runner: string, loadAtStart?: number): EnvironmentFingerprint {
  const processors = cpus()
  const environment: EnvironmentFingerprint = {
    os: platform(),
    arch: arch(),
    cores: Math.max(1, processors.length),
    memoryBytes: totalmem(),
    runner,
    node: process.version
  }
  const model = processors[0]?.model?.trim()
  if (model) environment.cpuModel = model
  const loads = [loadAtStart, machineLoadPerCore()].filter((load): load is number => load !== undefined)
  if (loads.length > 0) environment.loadPerCore = Math.max(...loads)
  return environment
}

/** The parts that make numbers incomparable: a different OS, CPU model or core count. */
export function describeEnvironmentDifference(a: EnvironmentFingerprint | undefined, b: EnvironmentFingerprint | undefined): string | undefined {
  if (!a || !b) return undefined
  const differences: string[] = []
  if (a.os && b.os && a.os !== b.os) differences.push(`OS ${a.os} vs ${b.os}`)
  if (a.cpuModel && b.cpuModel && a.cpuModel !== b.cpuModel) differences.push(`CPU ${a.cpuModel} vs ${b.cpuModel}`)
  if (a.cores && b.cores && a.cores !== b.cores) differences.push(`${a.cores} vs ${b.cores} cores`)
  return differences.length > 0 ? differences.join(', ') : undefined
}

/**
 * Loads per core this far apart, the busier one past BUSY_LOAD_PER_CORE (more threads ready to run than cores, so a
 * benchmark waits its turn), are not the same conditions: a baseline saved while a CI run shared a 2-core machine
 * read unchanged code as 21% faster, and a committed +30% slowdown as "+4.3% within +10%", on the same machine once it
 * was quiet. Quiet machines differ by a few tenths; the 1-minute average moves slowly enough that a baseline saved
 * and compared within a minute or two rarely crosses these.
 */
const LOAD_GAP_PER_CORE = 0.5
const BUSY_LOAD_PER_CORE = 1

/** One machine under two loads: which side ran busier, and both loads per core. */
export interface LoadDifference {
  busier: 'baseline' | 'current'
  baseline: number
  current: number
}

/**
 * Whether a baseline this machine measured ran under a load far from this run's. Only local runs: on CI every job
 * may land on another machine, and the stored history (or A/B on one runner) is what evens that out.
 */
export function describeLoadDifference(baseline: EnvironmentFingerprint | undefined, current: EnvironmentFingerprint | undefined): LoadDifference | undefined {
  if (baseline?.runner !== 'local' || current?.runner !== 'local') return undefined
  if (describeEnvironmentDifference(baseline, current)) return undefined
  const before = baseline.loadPerCore
  const now = current.loadPerCore
  if (before === undefined || now === undefined) return undefined
  if (Math.abs(before - now) < LOAD_GAP_PER_CORE || Math.max(before, now) < BUSY_LOAD_PER_CORE) return undefined
  return { busier: before > now ? 'baseline' : 'current', baseline: before, current: now }
}
