/**
 * The load source from the config's `load:` section and the edge's shortcuts (input/flag `url`, `connections`,
 * `duration`, `rate`, `trials`, `profile`, `start`, `ready-url`).
 *
 * Precedence for each knob: input/flag > the scenario's field > the `load:` field > the profile (input/flag
 * profile, else the scenario's, else the section's, else `standard`). Messages name the JSON path.
 */
import { resolve } from 'node:path'
import { availableParallelism } from 'node:os'
import { InputError } from '../errors.js'
import { urlScenarioName } from '../formats/results-builder.js'
import type { LoadConfig, LoadEndpointConfig, LoadKnobsConfig, LoadProfileConfig, LoadProfileName, LoadStageConfig } from './config-file.js'
import { parseDurationMs } from './durations.js'
import { parseScale, parseStages, parseThinkTime, scaledUsers, scaleShape, type Picked } from './load-shape-settings.js'
import type {
  LoadEndpointSettings,
  LoadProfileSettings,
  LoadScenarioSettings,
  LoadShapeSettings,
  LoadSource,
  ServerSettings,
  ThinkTimeSettings,
  WebSocketScenarioSettings
} from './settings.js'
import { buildWebSocketScenario, httpOriginOf, isWebSocketUrl, websocketScenarioName } from './websocket-settings.js'

/** What the Action inputs / CLI flags say about load (all raw text, as given). */
export interface LoadEdgeSettings {
  url?: string
  connections?: string
  duration?: string
  rate?: string
  trials?: string
  workers?: string
  profile?: string
  start?: string
  readyUrl?: string
}

type LoadProfile = LoadProfileSettings

/** Presets users know from load-testing practice. `quick` is an alias of `smoke`. */
export const LOAD_PROFILES: Readonly<Record<'smoke' | 'standard' | 'stress' | 'soak', LoadProfile>> = {
  /** Does it work at all, and roughly how fast: seconds per scenario. */
  smoke: { connections: 5, durationSeconds: 3, warmupSeconds: 1, trials: 3 },
  /** The PR gate default: enough trials for a confidence interval in about a minute per scenario. */
  standard: { connections: 10, durationSeconds: 10, warmupSeconds: 3, trials: 5 },
  /** Many connections: behaviour near saturation. */
  stress: { connections: 100, durationSeconds: 30, warmupSeconds: 5, trials: 3 },
  /** Long and moderate: memory growth and slow degradation. */
  soak: { connections: 10, durationSeconds: 600, warmupSeconds: 30, trials: 1 }
}
export const DEFAULT_LOAD_PROFILE = 'standard'
export const DEFAULT_LOAD_TIMEOUT_SECONDS = 10
export const DEFAULT_READY_TIMEOUT_MS = 30_000

/** HEAD is left out: autocannon's parser then waits for a body that never comes, and every request times out. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Header names whose values are credentials. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|token|key|secret|password|session/i
/** Query parameter names whose values are credentials. */
const SECRET_PARAM = /token|key|secret|password|session|auth|signature|sig$/i
/** `${{ env.NAME }}` or `${{ secrets.NAME }}`: read from the environment, always treated as a secret. */
const PLACEHOLDER = /\$\{\{\s*(env|secrets)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g

/**
 * The load source, or undefined when neither the edge (`url`) nor the config (`load:`) asks for load.
 * `where` names the config file in messages; `env` resolves `${{ env.X }}` / `${{ secrets.X }}` placeholders.
 */
export function resolveLoadSource(
  edge: LoadEdgeSettings,
  config: LoadConfig | undefined,
  where: string,
  rootDir: string,
  env: Record<string, string | undefined>,
  customProfiles: Record<string, LoadProfileConfig> = {}
): LoadSource | undefined {
  const url = edge.url?.trim()
  if (!url && !config) return undefined
  const secrets = new Set<string>()
  const profiles = profileTable(customProfiles, where)
  const profileName = (raw: string | undefined, at: string): LoadProfileName | undefined => checkProfileName(raw, at, profiles)
  const edgeProfile = profileName(edge.profile, "input 'profile' / --profile")
  profileName(config?.profile, `${where}: /load/profile`)
  config?.scenarios.forEach((scenario, index) => profileName(scenario.profile, `${where}: /load/scenarios/${index}/profile`))
  const baseUrl = config?.['base-url']
  /** Fills `${{ env.X }}` / `${{ secrets.X }}` in a WebSocket message; a filled-in text is masked in logs. */
  const placeholders = (text: string, at: string): string => {
    const filled = interpolate(text, at, env)
    if (filled.interpolated) secrets.add(filled.text)
    return filled.text
  }
  let scenarios: LoadScenarioSettings[] = []
  const websocketScenarios: WebSocketScenarioSettings[] = []
  if (url && isWebSocketUrl(url)) {
    const knobs = resolveKnobs({}, config, edge, edgeProfile, "input 'url' / --url", profiles)
    websocketScenarios.push(buildWebSocketScenario(websocketScenarioName(url), { url }, knobs, {}, "input 'url' / --url", placeholders))
  } else if (url) {
    const endpoint = parseEndpoint({ url }, "input 'url' / --url", baseUrl, env, secrets)
    scenarios = [buildScenario(redactedPath(endpoint.url), [endpoint], {}, config, edge, edgeProfile, "input 'url' / --url", profiles)]
  } else {
    const names = new Set<string>()
    const single = config!.scenarios.length === 1
    config!.scenarios.forEach((scenario, index) => {
      const at = `${where}: /load/scenarios/${index}`
      const claim = (name: string): void => {
        if (names.has(name)) throw new InputError(`${at}/name: "${name}" is used by two load scenarios`)
        names.add(name)
      }
      if (scenario.websocket && scenario.endpoints) throw new InputError(`${at}: give either endpoints (HTTP) or websocket, not both; make two scenarios`)
      if (scenario.websocket) {
        const knobs = resolveKnobs(scenario, config, edge, edgeProfile, at, profiles)
        const shaped = knobs.shape ?? knobs.thinkTime
        if (shaped)
          throw new InputError(
            `${shaped.at}: stages and think-time apply to HTTP scenarios; a WebSocket scenario ramps its clients with websocket.connect-rate and paces them with websocket.message-rate`
          )
        const fallback = websocketScenarioName(scenario.websocket.url)
        const name = scenario.name ?? (single ? fallback : `${fallback} #${index + 1}`)
        claim(name)
        websocketScenarios.push(buildWebSocketScenario(name, scenario.websocket, knobs, scenario, at, placeholders))
        return
      }
      const endpoints = (scenario.endpoints ?? []).map((endpoint, e) => parseEndpoint(endpoint, `${at}/endpoints/${e}`, baseUrl, env, secrets))
      const origins = new Set(endpoints.map((endpoint) => new URL(endpoint.url).origin))
      if (origins.size > 1) {
        throw new InputError(
          `${at}/endpoints: all endpoints of a scenario must be on one server; found ${[...origins].join(', ')}. Make one scenario per server.`
        )
      }
      nameEndpoints(endpoints, scenario.endpoints ?? [], at)
      const name = scenario.name ?? (single ? defaultName(endpoints) : `${defaultName(endpoints)} #${index + 1}`)
      claim(name)
      scenarios.push(buildScenario(name, endpoints, scenario, config, edge, edgeProfile, at, profiles))
    })
  }
  const source: LoadSource = { kind: 'load', scenarios, secrets: [...secrets], profiles: Object.fromEntries(profiles) }
  if (websocketScenarios.length > 0) source.websocketScenarios = websocketScenarios
  for (const websocket of websocketScenarios) for (const secret of querySecrets(websocket.url)) secrets.add(secret)
  source.secrets = [...secrets]
  const firstOrigin = scenarios[0] ? new URL(scenarios[0].endpoints[0]!.url).origin + '/' : httpOriginOf(websocketScenarios[0]!.url)
  const server = resolveServer(edge, config, where, rootDir, firstOrigin)
  if (server) source.server = server
  return source
}

/**
 * Endpoint names are the prefixes of their metrics, so they must differ: a configured name used twice is bad input;
 * default names (METHOD /path, the query left out: it may hold a credential) that repeat get " #2", " #3".
 */
function nameEndpoints(endpoints: LoadEndpointSettings[], configured: LoadEndpointConfig[], at: string): void {
  const taken = new Set<string>()
  endpoints.forEach((endpoint, index) => {
    if (configured[index]?.name !== undefined && taken.has(endpoint.name)) {
      throw new InputError(`${at}/endpoints/${index}/name: "${endpoint.name}" names two endpoints of the scenario; their metrics would mix`)
    }
    let name = endpoint.name
    for (let n = 2; taken.has(name); n++) name = `${endpoint.name} #${n}`
    endpoint.name = name
    taken.add(name)
  })
}

function defaultName(endpoints: LoadEndpointSettings[]): string {
  const first = endpoints[0]!
  return `${first.method} ${redactedPath(first.url)}`
}

/** Path and query of a URL for names, with credential-looking query values (api_key=..., token=...) as ***. */
function redactedPath(url: string): string {
  const parsed = new URL(url)
  const names = [...parsed.searchParams.keys()].filter((name) => SECRET_PARAM.test(name))
  for (const name of names) parsed.searchParams.set(name, '***')
  return urlScenarioName(parsed.href)
}

/** The built-in presets (and `quick` for smoke), then the config's own (which may redefine a built-in). */
function profileTable(custom: Record<string, LoadProfileConfig>, where: string): Map<string, LoadProfile> {
  const table = new Map<string, LoadProfile>(Object.entries(LOAD_PROFILES))
  table.set('quick', LOAD_PROFILES.smoke)
  for (const [name, own] of Object.entries(custom)) {
    const at = `${where}: /profiles/${name}`
    const profile: LoadProfile = {
      connections: own.connections ?? LOAD_PROFILES.standard.connections,
      durationSeconds:
        seconds(own.duration === undefined ? undefined : { value: own.duration, at: `${at}/duration` }) ?? LOAD_PROFILES.standard.durationSeconds,
      warmupSeconds:
        seconds(own.warmup === undefined ? undefined : { value: own.warmup, at: `${at}/warmup` }, { allowZero: true }) ?? LOAD_PROFILES.standard.warmupSeconds,
      trials: own.trials ?? LOAD_PROFILES.standard.trials
    }
    if (own.rate !== undefined) profile.ratePerSecond = own.rate
    if (own.scale !== undefined) profile.scale = parseScale({ value: own.scale, at: `${at}/scale` })
    table.set(name, profile)
  }
  return table
}

function checkProfileName(raw: string | undefined, where: string, profiles: Map<string, LoadProfile>): LoadProfileName | undefined {
  const value = raw?.trim()
  if (!value) return undefined
  if (profiles.has(value)) return value
  throw new InputError(`${where} must be one of ${[...profiles.keys()].join(', ')} (define your own under profiles:); got "${value}"`)
}

/** The knobs every load scenario has, HTTP or WebSocket, each from the first place that sets it. */
export interface ResolvedLoadKnobs {
  connections: number
  durationSeconds: number
  warmupSeconds: number
  trials: number
  timeoutSeconds: number
  /** Requests per second over all connections (HTTP's open loop), and where it was set. */
  rate?: { value: number; at: string }
  /** A request count instead of a duration, and where it was set. */
  requests?: { value: number; at: string }
  /** The factor connections and rate were multiplied by (`scale`), 1 when not set. */
  scale: number
  /** Stages (already scaled), think time, and where each was set. */
  shape?: { value: LoadShapeSettings; at: string }
  thinkTime?: { value: ThinkTimeSettings; at: string }
  /** Where an explicit duration and connections came from (they conflict with stages). */
  explicit: { duration?: string; connections?: string }
  /** Generator worker threads as configured (auto is resolved per scenario, knowing its target). */
  workers?: { value: number | 'auto'; at: string }
}

/** Precedence for each knob: input/flag > the scenario's field > the `load:` field > the profile. */
function resolveKnobs(
  own: LoadKnobsConfig & { profile?: LoadProfileName },
  config: LoadConfig | undefined,
  edge: LoadEdgeSettings,
  edgeProfile: LoadProfileName | undefined,
  at: string,
  profiles: Map<string, LoadProfile>
): ResolvedLoadKnobs {
  const profile = profiles.get(edgeProfile ?? own.profile ?? config?.profile ?? DEFAULT_LOAD_PROFILE)!
  const section = config ?? ({} as LoadKnobsConfig)
  const sectionAt = at.replace(/\/scenarios\/\d+$/, '')
  /** The scenario's field, else the section's, with the path of whichever was used. */
  const pick = <K extends keyof LoadKnobsConfig>(key: K): { value: LoadKnobsConfig[K]; at: string } | undefined =>
    own[key] !== undefined
      ? { value: own[key], at: `${at}/${key}` }
      : section[key] !== undefined
        ? { value: section[key], at: `${sectionAt}/${key}` }
        : undefined

  const scalePicked = pick('scale') as Picked<number | string> | undefined
  const scale = scalePicked ? parseScale(scalePicked) : (profile.scale ?? 1)
  const scaleAt = scalePicked?.at ?? 'the profile'
  const pickedConnections = edge.connections?.trim() ? { at: "input 'connections' / --connections" } : pick('connections')
  const connections = scaledUsers(
    edge.connections?.trim()
      ? wholeNumber(edge.connections, "input 'connections' / --connections", 1, 10_000)
      : ((pick('connections')?.value as number | undefined) ?? profile.connections),
    scale,
    scaleAt
  )
  const durationPicked = edge.duration?.trim() ? { value: edge.duration, at: "input 'duration' / --duration" } : pick('duration')
  const duration = seconds(durationPicked) ?? profile.durationSeconds
  const trials = edge.trials?.trim()
    ? wholeNumber(edge.trials, "input 'trials' / --trials", 1, 100)
    : ((pick('trials')?.value as number | undefined) ?? profile.trials)
  const warmupSeconds = seconds(pick('warmup'), { allowZero: true }) ?? profile.warmupSeconds
  const timeout = pick('timeout')
  const timeoutSeconds = seconds(timeout) ?? DEFAULT_LOAD_TIMEOUT_SECONDS
  if (timeoutSeconds < 1) throw new InputError(`${timeout!.at}: "${timeout!.value}" is too short; a request timeout is at least 1s`)
  const explicit: ResolvedLoadKnobs['explicit'] = {}
  if (durationPicked) explicit.duration = durationPicked.at
  if (pickedConnections) explicit.connections = pickedConnections.at
  const knobs: ResolvedLoadKnobs = { connections, durationSeconds: duration, warmupSeconds, trials, timeoutSeconds, scale, explicit }
  const pickedRate = pick('rate') as { value: number; at: string } | undefined
  if (edge.rate?.trim()) knobs.rate = { value: positiveNumber(edge.rate, "input 'rate' / --rate"), at: "input 'rate' / --rate" }
  else if (pickedRate) knobs.rate = pickedRate
  else if (profile.ratePerSecond !== undefined) knobs.rate = { value: profile.ratePerSecond, at: 'the profile' }
  if (knobs.rate) knobs.rate = { ...knobs.rate, value: knobs.rate.value * scale }
  const requests = edge.duration?.trim() ? undefined : (pick('requests') as { value: number; at: string } | undefined)
  if (requests) knobs.requests = requests
  const stages = pick('stages') as Picked<LoadStageConfig[]> | undefined
  if (stages) {
    const measure = pick('measure') as Picked<'steady' | 'all'> | undefined
    knobs.shape = { value: scaleShape(parseStages(stages, measure), scale, scaleAt), at: stages.at }
  }
  const think = pick('think-time') as Picked<number | string | { min: number | string; max: number | string }> | undefined
  if (think) knobs.thinkTime = { value: parseThinkTime(think), at: think.at }
  if (edge.workers?.trim()) {
    const raw = edge.workers.trim()
    knobs.workers = { value: raw === 'auto' ? 'auto' : wholeNumber(raw, "input 'workers' / --workers", 1, 64), at: "input 'workers' / --workers" }
  } else {
    const workers = pick('workers') as Picked<number | 'auto'> | undefined
    if (workers) knobs.workers = workers
  }
  return knobs
}

/**
 * A scenario's shape against its other knobs: the stages set the length and the users (or the rate), so a duration,
 * request count, connection count or rate given beside them (on the same object, or as an input) is a contradiction,
 * named with both paths. The same knob on `load:` or in a profile is a default for other scenarios: stages win.
 */
function checkShape(knobs: ResolvedLoadKnobs): void {
  const think = knobs.thinkTime
  const shape = knobs.shape
  const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/'))
  const beside = (path: string | undefined): path is string =>
    path !== undefined && shape !== undefined && (path.startsWith('input') || parentOf(path) === parentOf(shape.at))
  // Users stages replace a rate set elsewhere (a default for other scenarios); any other rate applies.
  const rateApplies = knobs.rate !== undefined && (shape?.value.unit !== 'users' || beside(knobs.rate.at))
  if (think && (rateApplies || shape?.value.unit === 'rate'))
    throw new InputError(
      `${think.at}: think time is a pause between one user's requests (closed loop); with a rate (${rateApplies ? knobs.rate!.at : shape!.at}) the arrival schedule sets the pace. Use users stages or connections instead of a rate, or remove think-time`
    )
  if (!shape) return
  const at = shape.at
  if (beside(knobs.requests?.at)) throw new InputError(`${at}: stages set each trial's length; remove requests (${knobs.requests!.at})`)
  if (beside(knobs.explicit.duration)) throw new InputError(`${at}: stages set each trial's length; remove duration (${knobs.explicit.duration})`)
  if (shape.value.unit === 'users') {
    if (beside(knobs.rate?.at))
      throw new InputError(`${at}: users stages are a closed loop; a fixed rate (${knobs.rate!.at}) cannot apply too. Use rate stages for an open loop`)
    if (beside(knobs.explicit.connections))
      throw new InputError(
        `${at}: the stages set the users (connections); remove connections (${knobs.explicit.connections}), or use scale to scale the stages`
      )
  } else if (beside(knobs.rate?.at)) {
    throw new InputError(`${at}: rate stages set the rate; remove rate (${knobs.rate!.at})`)
  }
}

function buildScenario(
  name: string,
  endpoints: LoadEndpointSettings[],
  own: LoadKnobsConfig & { profile?: LoadProfileName },
  config: LoadConfig | undefined,
  edge: LoadEdgeSettings,
  edgeProfile: LoadProfileName | undefined,
  at: string,
  profiles: Map<string, LoadProfile>
): LoadScenarioSettings {
  const knobs = resolveKnobs(own, config, edge, edgeProfile, at, profiles)
  checkShape(knobs)
  const scenario: LoadScenarioSettings = {
    name,
    endpoints,
    connections: knobs.connections,
    durationSeconds: knobs.durationSeconds,
    warmupSeconds: knobs.warmupSeconds,
    trials: knobs.trials,
    timeoutSeconds: knobs.timeoutSeconds
  }
  if (knobs.scale !== 1) scenario.scale = knobs.scale
  if (knobs.requests !== undefined && !knobs.shape) scenario.requests = knobs.requests.value
  if (knobs.rate !== undefined) scenario.ratePerSecond = knobs.rate.value
  if (knobs.thinkTime) scenario.thinkTime = knobs.thinkTime.value
  const shape = knobs.shape?.value
  if (shape) {
    // The stages replace the constant load: the trial lasts as long as they do, and its peak sizes the generator.
    scenario.shape = shape
    scenario.durationSeconds = shape.stages.reduce((sum, stage) => sum + stage.durationSeconds, 0)
    const peak = Math.max(...shape.stages.map((stage) => stage.target))
    if (shape.unit === 'users') {
      scenario.connections = peak
      delete scenario.ratePerSecond
    } else scenario.ratePerSecond = peak
    // A profile's warm-up stands in for a ramp the user did not write; with stages, the ramp is the warm-up.
    if (own.warmup === undefined && config?.warmup === undefined) scenario.warmupSeconds = 0
  }
  const configured = knobs.workers?.value === 'auto' ? autoWorkers(endpoints[0]!.url, config?.server !== undefined) : knobs.workers?.value
  // Every thread holds a connection and has requests to send: never more threads than either.
  const workers = configured === undefined ? undefined : Math.min(configured, scenario.connections, scenario.requests ?? Infinity)
  if (workers !== undefined && workers > 1) scenario.workers = workers
  return scenario
}

/**
 * `workers: auto`: a generator thread per core, less one when the target runs on this machine (a server perf-gate
 * starts, or a loopback URL), so that the server keeps a core of its own.
 */
function autoWorkers(url: string, startsServer: boolean): number {
  const host = new URL(url).hostname
  const local = startsServer || host === 'localhost' || host === '[::1]' || /^127\./.test(host)
  return Math.max(1, availableParallelism() - (local ? 1 : 0))
}

/** A picked duration in seconds; undefined when not set. */
function seconds(picked: { value: number | string | undefined; at: string } | undefined, options?: { allowZero?: boolean }): number | undefined {
  return picked?.value === undefined ? undefined : parseDurationMs(picked.value, picked.at, options) / 1000
}

function wholeNumber(raw: string, where: string, min: number, max: number): number {
  const value = Number(raw.trim())
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${where} must be a whole number from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

function positiveNumber(raw: string, where: string): number {
  const value = Number(raw.trim())
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`${where} must be a positive number of requests per second, got "${raw}"`)
  return value
}

function parseEndpoint(
  endpoint: LoadEndpointConfig,
  at: string,
  baseUrl: string | undefined,
  env: Record<string, string | undefined>,
  secrets: Set<string>
): LoadEndpointSettings {
  const method = (endpoint.method ?? 'GET').trim().toUpperCase()
  if (method === 'HEAD')
    throw new InputError(`${at}/method: HEAD cannot be load-tested here (the load generator would wait for a body after every response); use GET`)
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new InputError(`${at}/method: "${endpoint.method}" is not an HTTP method; use one of ${METHODS.join(', ')}`)
  }
  const url = endpointUrl(endpoint, at, baseUrl)
  for (const secret of querySecrets(url)) secrets.add(secret)
  const headers: Record<string, string> = {}
  for (const [name, raw] of Object.entries(endpoint.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new InputError(`${at}/headers: "${name}" is not a valid header name (letters, digits and !#$%&'*+.^_\`|~-)`)
    const { text, interpolated } = interpolate(raw, `${at}/headers/${name}`, env)
    if (/[\r\n\0]/.test(text)) throw new InputError(`${at}/headers/${name}: the value contains a line break or NUL, which HTTP headers cannot carry`)
    if (interpolated || SECRET_HEADER.test(name)) {
      secrets.add(text)
      // The bare credential too (e.g. the token after "Bearer "), so no log line shows it.
      for (const word of text.split(/\s+/)) if (word.length >= 8) secrets.add(word)
    }
    headers[name] = text
  }
  const settings: LoadEndpointSettings = {
    method,
    url,
    headers,
    expectedStatus: expectedStatuses(endpoint.status),
    name: endpoint.name ?? `${method} ${new URL(url).pathname}`,
    weight: endpoint.weight ?? 1
  }
  if (endpoint.body !== undefined) {
    if (method === 'GET') throw new InputError(`${at}/body: a ${method} request has no body; use POST, PUT or PATCH, or remove the body`)
    if (typeof endpoint.body === 'string') {
      const { text, interpolated } = interpolate(endpoint.body, `${at}/body`, env)
      if (interpolated) secrets.add(text)
      settings.body = text
    } else {
      settings.body = JSON.stringify(endpoint.body)
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    }
  }
  return settings
}

function endpointUrl(endpoint: LoadEndpointConfig, at: string, baseUrl: string | undefined): string {
  if (endpoint.url !== undefined && endpoint.path !== undefined) throw new InputError(`${at}: give either url or path, not both`)
  let url: URL
  if (endpoint.url !== undefined) {
    try {
      url = new URL(endpoint.url)
    } catch {
      throw new InputError(`${at}/url: "${endpoint.url}" is not an absolute URL; write e.g. http://127.0.0.1:3000/items, or use path with load.base-url`)
    }
  } else if (endpoint.path !== undefined) {
    if (!baseUrl) throw new InputError(`${at}/path: "${endpoint.path}" needs load.base-url (e.g. base-url: http://127.0.0.1:3000), or give a full url`)
    try {
      url = new URL(endpoint.path, baseUrl)
    } catch {
      throw new InputError(`${at}/path: "${endpoint.path}" does not resolve against base-url "${baseUrl}"`)
    }
  } else {
    throw new InputError(`${at}: an endpoint needs url (absolute) or path (on load.base-url)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const hint = isWebSocketUrl(url.href) ? ' (for WebSocket load, give the scenario websocket: { url } instead of endpoints)' : ''
    throw new InputError(`${at}/url: "${url.href}" must be http:// or https://${hint}`)
  }
  if (url.username || url.password) throw new InputError(`${at}/url: put credentials in an Authorization header, not in the URL (they would be logged)`)
  return url.href
}

/** Credential-looking query values of an endpoint URL, to be masked in logs. */
function querySecrets(url: string): string[] {
  return [...new URL(url).searchParams].filter(([name, value]) => SECRET_PARAM.test(name) && value !== '').map(([, value]) => value)
}

function expectedStatuses(status: number | number[] | undefined): number[] {
  if (status === undefined) return []
  return Array.isArray(status) ? status : [status]
}

function interpolate(text: string, at: string, env: Record<string, string | undefined>): { text: string; interpolated: boolean } {
  let interpolated = false
  const result = text.replace(PLACEHOLDER, (whole, _kind: string, name: string) => {
    const value = env[name]
    if (value === undefined || value === '') {
      throw new InputError(`${at}: ${whole} is not set; put ${name} in the environment of the perf-gate step (env: ${name}: \${{ secrets.${name} }})`)
    }
    interpolated = true
    return value
  })
  return { text: result, interpolated }
}

function resolveServer(
  edge: LoadEdgeSettings,
  config: LoadConfig | undefined,
  where: string,
  rootDir: string,
  firstOrigin: string
): ServerSettings | undefined {
  const configured = config?.server
  const start = edge.start?.trim() || configured?.start
  if (!start) {
    if (edge.readyUrl?.trim()) throw new InputError(`input 'ready-url' needs a start command (input 'start'): perf-gate only waits for servers it starts`)
    return undefined
  }
  const base = config?.['base-url'] ?? firstOrigin
  const rawReady = edge.readyUrl?.trim() || configured?.['ready-url']
  const readyAt = edge.readyUrl?.trim() ? "input 'ready-url' / --ready-url" : `${where}: /load/server/ready-url`
  let readyUrl: string | undefined
  if (rawReady) {
    try {
      readyUrl = new URL(rawReady, base).href
    } catch {
      throw new InputError(`${readyAt}: "${rawReady}" is neither a URL nor a path on ${base}`)
    }
  }
  const server: ServerSettings = {
    start,
    cwd: resolve(rootDir, configured?.cwd ?? '.'),
    env: configured?.env ?? {},
    readyTimeoutMs:
      configured?.['ready-timeout'] !== undefined
        ? parseDurationMs(configured['ready-timeout'], `${where}: /load/server/ready-timeout`)
        : DEFAULT_READY_TIMEOUT_MS,
    freshPerTrial: configured?.['fresh-per-trial'] ?? false
  }
  if (readyUrl) server.readyUrl = readyUrl
  return server
}
