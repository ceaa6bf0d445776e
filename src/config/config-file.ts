/**
 * Loading the config file (YAML or JSON): syntax errors with line and column, schema violations with the JSON
 * path, the line, the bad value and what is allowed.
 */
import { readFile } from 'node:fs/promises'
import { LineCounter, parseDocument, isMap, isNode, isScalar, visit, type Document } from 'yaml'
import { InputError } from '../errors.js'
import { indicatorAdvice } from './yaml-indicators.js'
import { schemaProblems, type SchemaProblem } from '../schemas.js'
import type { RemovedPolicy } from './settings.js'
import { bareNumberAdvice, type RawThresholdRule } from './thresholds.js'

/** The config file as written (after schema validation). */
export interface ConfigFile {
  version?: 1
  name?: string
  suites?: Array<{
    name?: string
    command: string
    results?: string
    format?: string
    timeout?: number | string
    repeat?: number
    cwd?: string
    env?: Record<string, string>
    memory?: boolean
    thresholds?: Record<string, RawThresholdRule>
  }>
  load?: LoadConfig
  /** Load presets of the user's own, by name. */
  profiles?: Record<string, LoadProfileConfig>
  thresholds?: Record<string, RawThresholdRule>
  overrides?: Array<{ scenarios: string | string[]; thresholds: Record<string, RawThresholdRule> }>
  baseline?: {
    store?: 'file' | 'cache' | 'artifact'
    dir?: string
    history?: number
    name?: string
    'fail-on-missing'?: boolean
    'save-over-error-budget'?: boolean
  }
  strict?: boolean
  removed?: RemovedPolicy | Record<string, RemovedPolicy>
  'compare-to'?: 'stored' | 'base-commit'
  build?: string
  confirm?: {
    when?: 'on-regression' | 'never'
    looks?: number[]
    budget?: number | string
    'build-timeout'?: number | string
    method?: 'auto' | 'sequential' | 'slices' | 'duet'
  }
}

/** Load knobs that a scenario sets or inherits from `load:` (and from a profile). */
export interface LoadKnobsConfig {
  connections?: number
  duration?: number | string
  requests?: number
  warmup?: number | string
  trials?: number
  rate?: number
  timeout?: number | string
  stages?: LoadStageConfig[]
  measure?: 'steady' | 'all'
  'think-time'?: number | string | { min: number | string; max: number | string }
  scale?: number | string
  workers?: number | 'auto'
}

/** One stage: a duration and the target it ramps to (users, or rate in requests per second). */
export interface LoadStageConfig {
  duration: number | string
  users?: number
  rate?: number
}

export interface LoadEndpointConfig {
  name?: string
  weight?: number
  method?: string
  url?: string
  path?: string
  headers?: Record<string, string>
  body?: string | Record<string, unknown> | unknown[]
  status?: number | number[]
}

/** A WebSocket scenario's own fields (`websocket:` in place of `endpoints:`). */
export interface LoadWebSocketConfig {
  url: string
  message?: string | Record<string, unknown> | unknown[]
  'message-rate'?: number
  'connect-rate'?: number
}

/** A load scenario: HTTP `endpoints`, or one `websocket` target (the schema allows exactly one of the two). */
export interface LoadScenarioConfig extends LoadKnobsConfig {
  name?: string
  profile?: LoadProfileName
  endpoints?: LoadEndpointConfig[]
  websocket?: LoadWebSocketConfig
}

/** A built-in preset (smoke, quick, standard, stress, soak) or one defined under `profiles:`. */
export type LoadProfileName = string

/** A preset of one's own under `profiles:`: the knobs it sets (the rest come from `standard`). */
export interface LoadProfileConfig {
  connections?: number
  duration?: number | string
  warmup?: number | string
  trials?: number
  rate?: number
  scale?: number | string
}

/** The `load:` section. */
export interface LoadConfig extends LoadKnobsConfig {
  'base-url'?: string
  profile?: LoadProfileName
  server?: { start: string; 'ready-url'?: string; 'ready-timeout'?: number | string; 'fresh-per-trial'?: boolean; cwd?: string; env?: Record<string, string> }
  scenarios: LoadScenarioConfig[]
}

/** Reads and validates a config file; throws InputError naming the file, line and field. */
export async function loadConfigFile(path: string, displayPath = path): Promise<ConfigFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(
      code === 'ENOENT' ? `config file ${displayPath} does not exist` : `config file ${displayPath} cannot be read: ${(error as Error).message}`
    )
  }
  return parseConfigText(text, displayPath)
}

/**
 * The gate's `name:` from a config file that may not parse or validate, for a run that failed before its settings
 * were read: the PR comment to mark as stale is keyed by that name. Undefined when there is no file or no usable name.
 */
export async function gateNameInBrokenConfig(path: string): Promise<string | undefined> {
  try {
    const name: unknown = parseDocument(await readFile(path, 'utf8'), { prettyErrors: false }).get('name')
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined
  } catch {
    return undefined
  }
}

/** Parses config text (YAML, of which JSON is a subset) and validates it against the schema. */
export function parseConfigText(text: string, displayPath: string): ConfigFile {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (document.errors.length > 0) {
    const lines = text.split('\n')
    const advised = new Set<number>()
    const messages = document.errors.slice(0, 5).map((error) => {
      const position = lineCounter.linePos(error.pos[0])
      const where = `${displayPath}:${position.line}:${position.col}`
      // The parser notices a missing closing quote at the end of the file; the reader needs where it opened.
      const opened = /quote/i.test(error.message) ? unclosedQuoteStart(document, error.pos[0]) : undefined
      const openedAt =
        opened === undefined ? '' : ` (the quote opened at ${displayPath}:${lineCounter.linePos(opened).line}:${lineCounter.linePos(opened).col})`
      // One line may hold several errors: its advice once.
      const advice = advised.has(position.line) ? '' : indicatorAdvice(lines[position.line - 1] ?? '')
      advised.add(position.line)
      return `${where}: ${error.message.split('\n')[0]}${openedAt}${advice}`
    })
    throw new InputError(`config file is not valid YAML/JSON:\n  ${messages.join('\n  ')}`)
  }
  const data: unknown = document.toJS() ?? {}
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(`${displayPath}: the config must be a mapping of keys (name, suites, thresholds, ...)`)
  }
  const bare = bareNumberRules(data as Record<string, unknown>)
  const problems = [...bare, ...schemaProblems('config', data).filter((problem) => !bare.some((b) => b.pointer === problem.pointer))]
  if (problems.length > 0) {
    const lines = problems.map((problem) => `${locate(document, lineCounter, problem, displayPath)}: ${problem.message}`)
    throw new InputError(`config file ${displayPath} is invalid:\n  ${lines.join('\n  ')}`)
  }
  locators.set(data, (pointer) => lineOf(document, lineCounter, pointer))
  return data as ConfigFile
}

/** Where the quoted scalar that runs to `errorOffset` (an unclosed quote) starts; undefined if none does. */
function unclosedQuoteStart(document: Document, errorOffset: number): number | undefined {
  let start: number | undefined
  visit(document, {
    Scalar(_key, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range && node.range[1] >= errorOffset) start ??= node.range[0]
    }
  })
  return start
}

/** The line of a JSON pointer in the file each parsed config came from (the yaml library's positions). */
const locators = new WeakMap<object, (pointer: string) => number | undefined>()

/**
 * An InputError about a config value, "<file>: /json/pointer: …", with the value's line added:
 * "<file>:12: /json/pointer: …". Other errors pass through unchanged.
 */
export function withConfigLine(error: unknown, config: ConfigFile, where: string): unknown {
  if (!(error instanceof InputError)) return error
  const located = locatedInConfig(error.message, config, where)
  return located === error.message ? error : new InputError(located)
}

/** "perf-gate.yml: /thresholds/p95…" as "perf-gate.yml:12: /thresholds/p95…" when the config holds that path. */
export function locatedInConfig(text: string, config: ConfigFile, where: string): string {
  const prefix = `${where}: /`
  if (!text.startsWith(prefix)) return text
  const pointer = /^\/[^:\s]*/.exec(text.slice(prefix.length - 1))?.[0]
  const line = pointer === undefined ? undefined : locators.get(config)?.(pointer)
  return line === undefined ? text : `${where}:${line}: ${text.slice(where.length + 2)}`
}

function lineOf(document: Document, lineCounter: LineCounter, pointer: string): number | undefined {
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  for (let length = path.length; length >= 0; length--) {
    const node = document.getIn(path.slice(0, length), true)
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line
  }
  return undefined
}

/** "file:line" of the node a JSON pointer designates, falling back to its nearest existing parent. */
function locate(document: Document, lineCounter: LineCounter, problem: SchemaProblem, displayPath: string): string {
  const path = problem.pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  if (problem.key !== undefined) {
    // Point at the unknown key itself, not at the mapping that holds it.
    const parent = path.length === 0 ? document.contents : document.getIn(path, true)
    const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === problem.key) : undefined
    if (pair && isNode(pair.key) && pair.key.range) return `${displayPath}:${lineCounter.linePos(pair.key.range[0]).line}`
  }
  for (let length = path.length; length >= 0; length--) {
    const node = document.getIn(path.slice(0, length), true)
    if (isNode(node) && node.range) return `${displayPath}:${lineCounter.linePos(node.range[0]).line}`
  }
  return displayPath
}

/**
 * Threshold rules written as bare numbers (`p95: +20` reads as the number 20): the schema would only say "expected
 * string"; the advice says what the number could have meant. The schema's own problem at that place is then left out.
 */
function bareNumberRules(data: Record<string, unknown>): SchemaProblem[] {
  const maps: Array<[string, unknown]> = [['/thresholds', data.thresholds]]
  for (const [list, items] of [
    ['suites', data.suites],
    ['overrides', data.overrides]
  ] as const) {
    if (Array.isArray(items)) items.forEach((item, index) => maps.push([`/${list}/${index}/thresholds`, (item as { thresholds?: unknown } | null)?.thresholds]))
  }
  return maps.flatMap(([pointer, map]) =>
    typeof map === 'object' && map !== null && !Array.isArray(map)
      ? Object.entries(map).flatMap(([metric, rule]) =>
          typeof rule === 'number'
            ? [{ pointer: `${pointer}/${metric.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: `${pointer}/${metric}: ${bareNumberAdvice(metric, rule)}` }]
            : []
        )
      : []
  )
}
