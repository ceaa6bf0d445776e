/**
 * Loading the config file (YAML or JSON): syntax errors with line and column, schema violations with the JSON
 * path, the line, the bad value and what is allowed.
 */
import { readFile } from 'node:fs/promises'
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml'
import { InputError } from '../errors.js'
import { schemaProblems, type SchemaProblem } from '../schemas.js'
import type { RemovedPolicy } from './settings.js'
import type { RawThresholdRule } from './thresholds.js'

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
    thresholds?: Record<string, RawThresholdRule>
  }>
  load?: LoadConfig
  thresholds?: Record<string, RawThresholdRule>
  overrides?: Array<{ scenarios: string | string[]; thresholds: Record<string, RawThresholdRule> }>
  baseline?: { store?: 'file' | 'cache' | 'artifact'; dir?: string; history?: number; name?: string; 'fail-on-missing'?: boolean }
  strict?: boolean
  removed?: RemovedPolicy | Record<string, RemovedPolicy>
  'compare-to'?: 'stored' | 'base-commit'
  build?: string
  confirm?: { when?: 'on-regression' | 'never'; looks?: number[]; budget?: number | string; 'build-timeout'?: number | string }
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
}

export interface LoadEndpointConfig {
  method?: string
  url?: string
  path?: string
  headers?: Record<string, string>
  body?: string | Record<string, unknown> | unknown[]
  status?: number | number[]
}

export interface LoadScenarioConfig extends LoadKnobsConfig {
  name?: string
  profile?: LoadProfileName
  endpoints: LoadEndpointConfig[]
}

export type LoadProfileName = 'smoke' | 'quick' | 'standard' | 'stress' | 'soak'

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
      code === 'ENOENT'
        ? `config file ${displayPath} does not exist`
        : `config file ${displayPath} cannot be read: ${(error as Error).message}`
    )
  }
  return parseConfigText(text, displayPath)
}

/** Parses config text (YAML, of which JSON is a subset) and validates it against the schema. */
export function parseConfigText(text: string, displayPath: string): ConfigFile {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (document.errors.length > 0) {
    const messages = document.errors.slice(0, 5).map((error) => {
      const position = lineCounter.linePos(error.pos[0])
      const where = `${displayPath}:${position.line}:${position.col}`
      return `${where}: ${error.message.split('\n')[0]}`
    })
    throw new InputError(`config file is not valid YAML/JSON:\n  ${messages.join('\n  ')}`)
  }
  const data: unknown = document.toJS() ?? {}
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(`${displayPath}: the config must be a mapping of keys (name, suites, thresholds, ...)`)
  }
  const problems = schemaProblems('config', data)
  if (problems.length > 0) {
    const lines = problems.map((problem) => `${locate(document, lineCounter, problem, displayPath)}: ${problem.message}`)
    throw new InputError(`config file ${displayPath} is invalid:\n  ${lines.join('\n  ')}`)
  }
  return data as ConfigFile
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
