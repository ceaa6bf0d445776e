import { arch, cpus, platform, totalmem } from 'node:os'
import type { EnvironmentFingerprint } from './model.js'

/** Describes this machine; `runner` says where it runs ("github-actions:ubuntu24" or "local"). */
export function currentEnvironment(runner: string): EnvironmentFingerprint {
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
