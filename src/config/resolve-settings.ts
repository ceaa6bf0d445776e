/**
 * Turns the config file plus what the edge gave (action inputs or CLI flags) into one GateSettings.
 * Precedence: explicit inputs/flags > config file > defaults.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { checkStoreName } from './names.js'
import { InputError } from '../errors.js'
import { resultsFormatName } from '../formats/registry.js'
import { displayPath } from '../paths.js'
import { thresholdsProblems } from '../schemas.js'
import { loadConfigFile, locatedInConfig, withConfigLine, type ConfigFile } from './config-file.js'
import { FLAT_RULE, YAML_INDICATOR } from './yaml-indicators.js'
import { parseDurationMs } from './durations.js'
import {
  DEFAULT_BASELINE_DIR,
  DEFAULT_BUILD_TIMEOUT_MS,
  DEFAULT_CONFIRM_BUDGET_MS,
  DEFAULT_CONFIRM_LOOKS,
  DEFAULT_DUET_LOOKS,
  DEFAULT_SUITE_LOOKS,
  DEFAULT_CONFIG_PATH,
  DEFAULT_GATE_NAME,
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_CONFIRM_METHOD,
  DEFAULT_SUITE_TIMEOUT_MS,
  LOAD_SUITE_NAME,
  type BaselineStoreKind,
  type ConfirmSettings,
  type GateSettings,
  type RunSource,
  type SuiteSettings,
  type ThresholdRule
} from './settings.js'
import { resolveLoadSource, type LoadEdgeSettings } from './load-settings.js'
import { bareNumberAdvice, hasAnyThreshold, parseThresholdMap, type RawThresholdRule } from './thresholds.js'

/** What an entry point (Action or CLI) says, before the config file is merged in. */
export interface EdgeSettings {
  rootDir: string
  /** Config path as given; relative to rootDir. */
  configPath?: string
  /** True when the user named the config explicitly: then a missing file is an error. */
  configExplicit: boolean
  /** Nothing to run is fine (store-only commands such as `baseline list`). */
  sourceOptional?: boolean
  name?: string
  command?: string
  resultsPath?: string
  format?: string
  timeout?: string
  /** Runs of each suite's command (input 'repeat' / --repeat); overrides the config's `repeat`. */
  repeat?: string
  /** Inline thresholds as YAML/JSON text (a metric → rule map). */
  thresholdsText?: string
  /** Where the inline thresholds came from, for messages (e.g. "input 'thresholds'"). */
  thresholdsSource?: string
  baselineStore?: BaselineStoreKind
  defaultBaselineStore: BaselineStoreKind
  baselineDir?: string
  baselineName?: string
  historyLimit?: number
  /** Undefined: the config's baseline.fail-on-missing decides (else false). */
  failOnMissingBaseline?: boolean
  artifactRetentionDays?: number
  strict?: boolean
  failOnRegression: boolean
  /** Same-runner A/B (inputs compare-to, build, confirm, confirm-budget; CLI flags of the same names, --base). */
  compareTo?: string
  build?: string
  confirm?: string
  confirmBudget?: string
  base?: string
  /** Load shortcuts (inputs/flags url, connections, duration, rate, trials, profile, start, ready-url). */
  load?: LoadEdgeSettings
  /** Environment for `${{ env.X }}` / `${{ secrets.X }}` placeholders in load headers and bodies. */
  env?: Record<string, string | undefined>
}

/**
 * Spread and extremes, which the default does not gate: a stdev, a max or a p99 of one run swings with a few slow
 * iterations, so gated by default they filled reports with inconclusive rows (tinybench prints ten metrics a task,
 * four of these) and turned a decided gate inconclusive. They are still measured and shown; a threshold gates them.
 */
const UNGATED_BY_DEFAULT = '!(stdev|max|p98|p99*)'
const UNGATED_BY_DEFAULT_WORDS = 'stdev, max and percentiles from p98 up'

/** The default when nothing sets a threshold: every metric but spread and extremes, on a 20% change for the worse. */
const DEFAULT_THRESHOLDS: Record<string, string> = { [UNGATED_BY_DEFAULT]: '20%' }

/**
 * The default for endpoint load: the latencies and throughput a service owner watches, and an error budget.
 * Not `*`: max, stdev, p99 and p99.9 of a short trial swing widely (p99 of a 10 s trial rests on a few dozen slow
 * requests: gated by default it made most unchanged comparisons inconclusive, see docs/verdicts.md), error
 * percentages start at 0 (where any single failed request would be "infinitely worse"), and memory growth is a
 * soak-test signal, not a PR gate. p99 is still measured and shown; set `p99: +20%` to gate it.
 */
const DEFAULT_LOAD_THRESHOLDS: Record<string, string> = { p50: '20%', p95: '20%', rps: '20%', errors: '< 1%' }

/** The same for WebSocket load: round trips and message rate in place of latency and rps; `errors` counts failed clients. */
const DEFAULT_WEBSOCKET_THRESHOLDS: Record<string, string> = { 'rtt p50': '20%', 'rtt p95': '20%', 'messages/s': '20%', errors: '< 1%' }

function defaultThresholdsOf(source: RunSource): Record<string, string> {
  if (source.kind !== 'load') return DEFAULT_THRESHOLDS
  if (!source.websocketScenarios?.length) return DEFAULT_LOAD_THRESHOLDS
  if (source.scenarios.length === 0) return DEFAULT_WEBSOCKET_THRESHOLDS
  return { ...DEFAULT_LOAD_THRESHOLDS, ...DEFAULT_WEBSOCKET_THRESHOLDS }
}

/**
 * The default rules: one for the whole source, or in a config with suites and load, the suites' default for each
 * suite and the load default for the load section's scenarios (each kind gated as it would be alone).
 */
function defaultRules(source: RunSource): ThresholdRule[] {
  const rule = (of: RunSource, suite?: string): ThresholdRule => ({
    metrics: parseThresholdMap(defaultThresholdsOf(of), 'default thresholds'),
    isDefault: true,
    ...(suite ? { suite } : {})
  })
  if (source.kind !== 'suites' || !source.load) return [rule(source)]
  return [...source.suites.map((suite) => rule({ kind: 'suites', suites: [suite] }, suite.name)), rule(source.load, LOAD_SUITE_NAME)]
}

/**
 * The note a report carries when the default thresholds are in use, written from them: "No thresholds are
 * configured, so p50, p95 and rps are gated on a 20% change for the worse and errors on < 1% (...)".
 */
export function defaultThresholdsNote(source: RunSource): string {
  if (source.kind === 'suites' && source.load) {
    return `No thresholds are configured, so in the suites ${defaultClauses({ kind: 'suites', suites: source.suites })}, and in the load scenarios ${defaultClauses(source.load)} (set \`thresholds\` to choose).`
  }
  return `No thresholds are configured, so ${defaultClauses(source)} (set \`thresholds\` to choose).`
}

/** "p50, p95 and rps are gated on a 20% change for the worse and errors on < 1%". */
function defaultClauses(source: RunSource): string {
  const metricsByRule = new Map<string, string[]>()
  for (const [metric, rule] of Object.entries(defaultThresholdsOf(source))) metricsByRule.set(rule, [...(metricsByRule.get(rule) ?? []), metric])
  const clauses = [...metricsByRule].map(([rule, metrics], index) => {
    const who = metrics.includes(UNGATED_BY_DEFAULT) ? `every metric except ${UNGATED_BY_DEFAULT_WORDS}` : listWords(metrics)
    const gated = index > 0 ? '' : metrics.length > 1 ? ' are gated' : ' is gated'
    const how = /^\+?\d+(\.\d+)?%$/.test(rule) ? `a ${rule.replace(/^\+/, '')} change for the worse` : rule
    return `${who}${gated} on ${how}`
  })
  return listWords(clauses)
}

/** "a", "a and b", "a, b and c". */
function listWords(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}

export async function resolveSettings(edge: EdgeSettings): Promise<GateSettings> {
  const configRelative = edge.configPath ?? DEFAULT_CONFIG_PATH
  const configPath = resolve(edge.rootDir, configRelative)
  let config: ConfigFile = {}
  let configUsed: string | undefined
  if (existsSync(configPath) || edge.configExplicit) {
    config = await loadConfigFile(configPath, displayPath(edge.rootDir, configPath))
    configUsed = configPath
  }
  const where = configUsed ? displayPath(edge.rootDir, configUsed) : 'config'
  try {
    const settings = settingsFrom(edge, config, where, configUsed)
    // Rules are checked against the metrics only after the run: their messages then name the line too.
    for (const rule of settings.thresholds) {
      for (const threshold of Object.values(rule.metrics)) threshold.definedAt = locatedInConfig(threshold.definedAt, config, where)
    }
    return settings
  } catch (error) {
    // Values the schema accepts but the settings refuse (a unit, a duration) are named by JSON path: add the line.
    throw withConfigLine(error, config, where)
  }
}

function settingsFrom(edge: EdgeSettings, config: ConfigFile, where: string, configUsed: string | undefined): GateSettings {
  const source = resolveSource(edge, config, where)
  const thresholds = resolveThresholds(edge, config, where, source)
  const name = edge.name || config.name || DEFAULT_GATE_NAME
  checkStoreName(name, 'gate name')
  const historyLimit = edge.historyLimit ?? config.baseline?.history ?? DEFAULT_HISTORY_LIMIT
  const baselineName = edge.baselineName || config.baseline?.name
  if (baselineName) checkStoreName(baselineName, 'baseline name')
  const settings: GateSettings = {
    name,
    rootDir: edge.rootDir,
    source,
    thresholds,
    baseline: {
      store: edge.baselineStore ?? config.baseline?.store ?? edge.defaultBaselineStore,
      dir: resolve(edge.rootDir, edge.baselineDir ?? config.baseline?.dir ?? DEFAULT_BASELINE_DIR),
      historyLimit,
      ...(baselineName ? { name: baselineName } : {}),
      ...((edge.failOnMissingBaseline ?? config.baseline?.['fail-on-missing']) ? { failOnMissing: true } : {}),
      ...(config.baseline?.['save-over-error-budget'] ? { saveOverErrorBudget: true } : {}),
      ...(edge.artifactRetentionDays ? { retentionDays: edge.artifactRetentionDays } : {})
    },
    strict: edge.strict ?? config.strict ?? false,
    failOnRegression: edge.failOnRegression,
    confirm: resolveConfirm(edge, config, where),
    removed:
      typeof config.removed === 'string'
        ? [{ scenarios: '*', policy: config.removed }]
        : Object.entries(config.removed ?? {}).map(([scenarios, policy]) => ({ scenarios, policy }))
  }
  if (configUsed) settings.configPath = configUsed
  // Suite A/B pairs are one command run per arm (confirm/interleaved-runs.ts): their own default looks.
  if (source.kind === 'suites' && config.confirm?.looks === undefined) settings.confirm.looks = DEFAULT_SUITE_LOOKS
  return settings
}

function resolveConfirm(edge: EdgeSettings, config: ConfigFile, where: string): ConfirmSettings {
  const compareTo = choice(edge.compareTo, ['stored', 'base-commit'] as const, "input 'compare-to' / --compare-to") ?? config['compare-to'] ?? 'stored'
  const when = choice(edge.confirm, ['on-regression', 'never'] as const, "input 'confirm' / --confirm") ?? config.confirm?.when ?? 'on-regression'
  const budget = edge.confirmBudget
    ? parseDurationMs(edge.confirmBudget, "input 'confirm-budget' / --confirm-budget")
    : config.confirm?.budget !== undefined
      ? parseDurationMs(config.confirm.budget, `${where}: /confirm/budget`)
      : DEFAULT_CONFIRM_BUDGET_MS
  const method = config.confirm?.method ?? DEFAULT_CONFIRM_METHOD
  const looks = config.confirm?.looks ?? DEFAULT_CONFIRM_LOOKS
  if (looks.some((n, i) => i > 0 && n <= looks[i - 1]!)) {
    throw new InputError(`${where}: /confirm/looks: ${JSON.stringify(looks)} must be pair counts in increasing order, e.g. [6, 12, 20]`)
  }
  const settings: ConfirmSettings = {
    compareTo,
    when,
    buildTimeoutMs:
      config.confirm?.['build-timeout'] !== undefined
        ? parseDurationMs(config.confirm['build-timeout'], `${where}: /confirm/build-timeout`)
        : DEFAULT_BUILD_TIMEOUT_MS,
    looks,
    budgetMs: budget,
    method,
    duetLooks: config.confirm?.looks ?? DEFAULT_DUET_LOOKS
  }
  const build = edge.build || config.build
  if (build) settings.build = build
  if (edge.base) settings.base = edge.base
  return settings
}

/** An enumerated input: undefined when empty, else one of `choices` or an InputError naming the input. */
function choice<T extends string>(raw: string | undefined, choices: readonly T[], where: string): T | undefined {
  const value = raw?.trim()
  if (!value) return undefined
  if (!choices.includes(value as T)) throw new InputError(`${where} must be one of ${choices.join(', ')}, got "${value}"`)
  return value as T
}

/** The edge's repeat count: a whole number from 1 to 1000, or an InputError naming the input. */
function edgeRepeat(edge: EdgeSettings): number | undefined {
  const raw = edge.repeat?.trim()
  if (!raw) return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new InputError(`repeat must be a whole number from 1 to 1000, got "${raw}"`)
  return value
}

/**
 * A results file is gated as it is: nothing runs, so settings of a run given with it would be dropped in silence (and
 * a bad value in them never seen). Each is named as the input and the flag.
 */
function refuseRunSettings(edge: EdgeSettings): void {
  const given: Array<[string, string | undefined]> = [
    ['repeat', edge.repeat],
    ['timeout', edge.timeout],
    ['connections', edge.load?.connections],
    ['duration', edge.load?.duration],
    ['rate', edge.load?.rate],
    ['trials', edge.load?.trials],
    ['workers', edge.load?.workers],
    ['profile', edge.load?.profile],
    ['start', edge.load?.start],
    ['ready-url', edge.load?.readyUrl]
  ]
  const names = given.filter(([, value]) => value?.trim()).map(([name]) => `'${name}' / --${name}`)
  if (names.length === 0) return
  throw new InputError(
    `results (input 'results' / --results) is a file gated as it is, and nothing runs, so ${names.join(', ')} would do nothing; drop ${names.length > 1 ? 'them' : 'it'}, or give the command that writes the results (input 'command' / --command)`
  )
}

function resolveSource(edge: EdgeSettings, config: ConfigFile, where: string): RunSource {
  const format = edge.format ? resultsFormatName(edge.format, "format (input 'format' / --format)") : 'auto'
  if (edge.command) {
    const suite: SuiteSettings = {
      name: 'command',
      command: edge.command,
      format,
      timeoutMs: edge.timeout ? parseDurationMs(edge.timeout, 'timeout') : DEFAULT_SUITE_TIMEOUT_MS,
      cwd: edge.rootDir,
      env: {}
    }
    const repeat = edgeRepeat(edge)
    if (repeat !== undefined) suite.repeat = repeat
    if (edge.resultsPath) suite.resultsPath = resolve(edge.rootDir, edge.resultsPath)
    // A command and a URL: both run, the command first, as a config with suites and load does (never one in silence).
    const load = edge.load?.url?.trim() ? resolveLoadSource(edge.load, undefined, where, edge.rootDir, edge.env ?? {}, config.profiles) : undefined
    return load?.kind === 'load' ? { kind: 'suites', suites: [suite], load } : { kind: 'suites', suites: [suite] }
  }
  if (edge.resultsPath && edge.load?.url?.trim()) {
    throw new InputError(
      `results and url: a results file (input 'results' / --results) is gated as it is, and a URL (input 'url' / --url) is loaded; give one of them, or a command that writes the results with the url`
    )
  }
  if (edge.resultsPath) {
    refuseRunSettings(edge)
    return { kind: 'results-file', path: resolve(edge.rootDir, edge.resultsPath), format }
  }
  const load = resolveLoadSource(edge.load ?? {}, config.load, where, edge.rootDir, edge.env ?? {}, config.profiles)
  // A URL given at the edge is a load of its own; the config's suites are for a run without one.
  if (load && !(config.load && config.suites && config.suites.length > 0 && !edge.load?.url?.trim())) return load
  if (config.suites && config.suites.length > 0) {
    const names = new Set<string>()
    const suites = config.suites.map((suite, index) => {
      const name = suite.name ?? (config.suites!.length === 1 ? 'suite' : `suite-${index + 1}`)
      if (names.has(name)) throw new InputError(`${where}: /suites/${index}/name: "${name}" is used by two suites`)
      if (load && name === LOAD_SUITE_NAME)
        throw new InputError(
          `${where}: /suites/${index}/name: "${name}" is what the load section goes by in a config with suites (--suite ${name}); rename the suite`
        )
      names.add(name)
      const cwd = resolve(edge.rootDir, suite.cwd ?? '.')
      const settings: SuiteSettings = {
        name,
        command: suite.command,
        // "auto" at the edge is the input's default (the Action always passes it): it must not hide a suite's format.
        format: edge.format && edge.format !== 'auto' ? format : suite.format ? resultsFormatName(suite.format, `${where}: /suites/${index}/format`) : 'auto',
        timeoutMs:
          suite.timeout !== undefined
            ? parseDurationMs(suite.timeout, `${where}: /suites/${index}/timeout`)
            : edge.timeout
              ? parseDurationMs(edge.timeout, 'timeout')
              : DEFAULT_SUITE_TIMEOUT_MS,
        cwd,
        env: suite.env ?? {},
        ...(suite.memory ? { memory: true } : {})
      }
      if (suite.results) settings.resultsPath = resolve(cwd, suite.results)
      const repeat = edgeRepeat(edge) ?? suite.repeat
      if (repeat !== undefined) settings.repeat = repeat
      return settings
    })
    return load ? { kind: 'suites', suites, load } : { kind: 'suites', suites }
  }
  if (edge.sourceOptional) return { kind: 'none' }
  const misplaced = where === 'config' ? MISPLACED_CONFIG_NAMES.find((name) => existsSync(resolve(edge.rootDir, name))) : undefined
  const hint = misplaced
    ? ` (${misplaced} is here, but perf-gate reads ${DEFAULT_CONFIG_PATH}: move it there or pass --config ${misplaced} / input 'config')`
    : ''
  throw new InputError(
    `nothing to run: give a benchmark command (input 'command' / --command), a results file (input 'results' / --results), a URL to load (input 'url' / --url), or suites or load in ${where === 'config' ? DEFAULT_CONFIG_PATH : where}${hint}`
  )
}

/** Where people put a config file by habit; named when the default path holds none. */
const MISPLACED_CONFIG_NAMES = ['perf-gate.yml', 'perf-gate.yaml', '.perf-gate.yml', '.perf-gate.yaml', 'perf-gate.json', '.github/perf-gate.yaml']

function resolveThresholds(edge: EdgeSettings, config: ConfigFile, where: string, source: RunSource): ThresholdRule[] {
  const rules: ThresholdRule[] = []
  if (config.thresholds) rules.push({ metrics: parseThresholdMap(config.thresholds, `${where}: /thresholds`) })
  if (source.kind === 'suites') {
    config.suites?.forEach((suite, index) => {
      const suiteName = source.suites[index]?.name
      if (suite.thresholds && suiteName) {
        rules.push({ suite: suiteName, metrics: parseThresholdMap(suite.thresholds, `${where}: /suites/${index}/thresholds`) })
      }
    })
  }
  config.overrides?.forEach((override, index) => {
    rules.push({
      scenarios: Array.isArray(override.scenarios) ? override.scenarios : [override.scenarios],
      metrics: parseThresholdMap(override.thresholds, `${where}: /overrides/${index}/thresholds`)
    })
  })
  if (edge.thresholdsText && edge.thresholdsText.trim() !== '') {
    rules.push({ metrics: parseInlineThresholds(edge.thresholdsText, edge.thresholdsSource ?? 'thresholds') })
  }
  if (!hasAnyThreshold(rules)) {
    rules.unshift(...defaultRules(source))
  }
  return rules
}

/** Inline thresholds: a YAML or JSON map such as "p95: +20%\np99: < 300ms", or "p95=+20%, p99=<300ms". */
export function parseInlineThresholds(text: string, source: string): ThresholdRule['metrics'] {
  const data = inlineThresholdMap(text, source)
  for (const [metric, rule] of Object.entries(data)) {
    if (typeof rule === 'number') throw new InputError(`${source}: ${bareNumberAdvice(metric, rule)}`)
  }
  const problems = thresholdsProblems(data)
  if (problems.length > 0) {
    throw new InputError(`${source} is invalid:\n  ${problems.map((p) => p.message).join('\n  ')}`)
  }
  return parseThresholdMap(data as Record<string, RawThresholdRule>, source)
}

/** `text` read as the inside of a YAML flow mapping ("p50: +20%, p95: +20%"), or undefined when it is not one. */
function flowMapping(text: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = parseYaml(`{${text}}`)
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * The lines of inline rules: a one-line text without braces has its rules separated by commas. A comma between
 * digits groups thousands (">= 1,000 req/s"), as a config file's rule may, and separates nothing.
 */
function ruleLines(text: string): string[] {
  const oneLine = !text.trim().includes('\n') && text.includes(',') && !/[{[]/.test(text)
  return oneLine ? text.split(/(?<!\d),|,(?!\d)/).map((part) => part.trim()) : text.split('\n')
}

/**
 * Rules are written as people read them ("rps: >= 900 req/s", "*: +100%"), which YAML does not take as plain text.
 * Each flat `metric: rule` line whose metric or rule starts with such a character is quoted before parsing; nested
 * rules and quoted text are left as written.
 */
export function quoteRuleIndicators(text: string): string {
  let quoted = false
  const written = ruleLines(text).map((line) => {
    const match = FLAT_RULE.exec(line)
    if (!match || !(YAML_INDICATOR.test(match[2]!) || YAML_INDICATOR.test(match[3]!))) return line
    quoted = true
    const quote = (part: string): string => (YAML_INDICATOR.test(part) ? JSON.stringify(part) : part)
    return `${match[1]}${quote(match[2]!)}: ${quote(match[3]!)}`
  })
  return quoted ? written.join('\n') : text
}

/** The same metric given two flat rules in one text: YAML would only say its keys must be unique. */
function checkRepeatedMetric(text: string, source: string): void {
  const seen = new Map<string, string>()
  for (const line of ruleLines(text)) {
    const match = FLAT_RULE.exec(line)
    if (!match || match[1] !== '') continue
    const earlier = seen.get(match[2]!)
    if (earlier !== undefined) {
      throw new InputError(
        `${source}: "${match[2]}" has two rules ("${earlier}" and "${match[3]}"); give one, or the two levels as ${match[2]}: { warn: …, fail: … }`
      )
    }
    seen.set(match[2]!, match[3]!)
  }
}

/** Inline rules as written ("p95: +20%" in YAML, "p50: +20%, p95: +20%", or "p95=+20%,p99=<300ms") as a map of metric to rule, unchecked. */
export function inlineThresholdMap(text: string, source: string): Record<string, unknown> {
  let data: unknown
  const looksLikePairs = !text.includes(':') && text.includes('=')
  if (looksLikePairs) {
    data = Object.fromEntries(
      text
        .split(/[,\n]/)
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => {
          const at = part.indexOf('=')
          if (at <= 0) throw new InputError(`${source}: "${part}" is not metric=rule (e.g. p95=+20%)`)
          return [part.slice(0, at).trim(), part.slice(at + 1).trim()]
        })
    )
  } else {
    checkRepeatedMetric(text, source)
    try {
      data = parseYaml(quoteRuleIndicators(text))
    } catch (error) {
      // "p50: +20%, p95: +20%" on one line (a command line, a one-line input) is a flow mapping without its braces.
      data = text.includes(',') && !text.trim().includes('\n') ? flowMapping(text) : undefined
      if (data === undefined) {
        throw new InputError(
          `${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}\n  Write one rule per line ("p95: +20%"), or several on one line separated by commas ("p50: +20%, p95: +20%").`
        )
      }
    }
  }
  if (typeof data === 'string' && /^[^:\s]+:\S/.test(data.trim())) {
    // "p95:+20%" is one YAML string, not a map.
    throw new InputError(`${source}: "${data.trim()}" needs a space after the colon ("p95: +20%"), or write p95=+20%`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(`${source}: expected a map of metric to rule, e.g. "p95: +20%"`)
  }
  return data as Record<string, unknown>
}
