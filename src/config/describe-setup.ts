/**
 * What a gate's config defines, in words a terminal reader scans: its suites, its load scenarios as the chosen
 * profile sets them, and the load profiles. Reads the resolved settings only; runs nothing.
 */
import { relative } from 'node:path'
import { LOAD_PROFILES } from './load-settings.js'
import { describeShape, describeThinkTime } from './load-shape-settings.js'
import { LOAD_SUITE_NAME, type GateSettings, type LoadSource } from './settings.js'

export function describeGateSetup(settings: GateSettings, options: { cwd: string }): string {
  const lines: string[] = [`Gate "${settings.name}"${settings.configPath ? ` from ${relative(options.cwd, settings.configPath) || settings.configPath}` : ''}`]
  const source = settings.source
  const shown = (path: string): string => relative(options.cwd, path) || '.'
  if (source.kind === 'suites') {
    lines.push('', `Suites (${source.suites.length}):`)
    for (const suite of source.suites) {
      lines.push(`  ${suite.name}`)
      lines.push(`    command  ${suite.command}${suite.cwd !== options.cwd ? `   (in ${shown(suite.cwd)})` : ''}`)
      lines.push(
        `    results  ${suite.resultsPath ? shown(suite.resultsPath) : 'standard output'}, format ${suite.format}, time limit ${formatSeconds(suite.timeoutMs / 1000)}`
      )
    }
    if (source.load) lines.push(...describeLoad(source.load, ` (suite "${LOAD_SUITE_NAME}", run after the suites)`))
  } else if (source.kind === 'load') {
    lines.push(...describeLoad(source))
  } else if (source.kind === 'results-file') {
    lines.push('', `Results file: ${shown(source.path)} (format ${source.format})`)
  } else {
    lines.push('', 'Nothing to run is configured (no suites, no load).')
  }
  lines.push('', 'Load profiles (--profile, profile:):')
  const profiles = (source.kind === 'load' ? source.profiles : source.kind === 'suites' ? source.load?.profiles : undefined) ?? LOAD_PROFILES
  for (const [name, profile] of Object.entries(profiles)) {
    const pace = profile.ratePerSecond ? `${profile.ratePerSecond} req/s over ${profile.connections} connections` : `${profile.connections} connections`
    lines.push(
      `  ${name.padEnd(9)} ${profile.trials} trial(s) × ${formatSeconds(profile.durationSeconds)} after ${formatSeconds(profile.warmupSeconds)} warm-up, ${pace}${profile.scale ? `, load scaled ${profile.scale}x` : ''}`
    )
  }
  return `${lines.join('\n')}\n`
}

/** The load scenarios as the chosen profile sets them, with their stages, think time and scale. */
function describeLoad(source: LoadSource, suffix = ''): string[] {
  const lines = ['', `Load scenarios (${source.scenarios.length + (source.websocketScenarios?.length ?? 0)})${suffix}:`]
  for (const scenario of source.scenarios) {
    const length = scenario.shape
      ? `stages ${describeShape(scenario.shape)}`
      : scenario.requests
        ? `${scenario.requests} requests`
        : `${formatSeconds(scenario.durationSeconds)} after ${formatSeconds(scenario.warmupSeconds)} warm-up`
    const pace = scenario.shape
      ? scenario.shape.unit === 'rate'
        ? `over ${scenario.connections} connections`
        : ''
      : scenario.ratePerSecond
        ? `${scenario.ratePerSecond} req/s over ${scenario.connections} connections`
        : `${scenario.connections} connections`
    const extras = [
      pace,
      ...(scenario.thinkTime ? [`think time ${describeThinkTime(scenario.thinkTime)}`] : []),
      ...(scenario.scale ? [`scaled ${scenario.scale}x`] : []),
      ...(scenario.workers ? [`generator on ${scenario.workers} threads`] : [])
    ].filter((part) => part !== '')
    lines.push(`  ${scenario.name}: ${scenario.trials} trial(s) of ${length}${extras.length > 0 ? `, ${extras.join(', ')}` : ''}`)
    for (const endpoint of scenario.endpoints)
      lines.push(`    ${endpoint.method} ${endpoint.url}${scenario.endpoints.length > 1 ? ` (weight ${endpoint.weight})` : ''}`)
  }
  for (const scenario of source.websocketScenarios ?? []) {
    const ramp = scenario.connectRatePerSecond ? `, connecting ${scenario.connectRatePerSecond}/s` : ''
    const pace = scenario.messageRatePerSecond ? `${scenario.messageRatePerSecond} messages/s per client` : 'each message after the reply'
    lines.push(
      `  ${scenario.name}: ${scenario.trials} trial(s) of ${formatSeconds(scenario.durationSeconds)} after ${formatSeconds(scenario.warmupSeconds)} warm-up, ${scenario.clients} WebSocket clients${ramp}, ${pace}`
    )
    lines.push(`    WS ${scenario.url.split('?')[0]}`)
  }
  if (source.server) lines.push(`  server: ${source.server.start}${source.server.readyUrl ? ` (ready at ${source.server.readyUrl})` : ''}`)
  return lines
}

function formatSeconds(seconds: number): string {
  return seconds >= 60 && seconds % 60 === 0 ? `${seconds / 60} min` : `${Number(seconds.toFixed(2))} s`
}
