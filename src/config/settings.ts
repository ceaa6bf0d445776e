/**
 * Typed settings: everything a gate run needs, parsed once at the edge (action inputs, CLI flags, config file).
 * Nothing downstream reads process.env, process.argv or core.getInput.
 */
import type { Direction } from '../results/model.js'

export type BaselineStoreKind = 'file' | 'cache' | 'artifact'

/** One benchmark command and where its results land. */
export interface SuiteSettings {
  name: string
  command: string
  /** Absolute path of the results file the command writes; undefined means parse its standard output. */
  resultsPath?: string
  /** Parser name, or 'auto' to detect from the content. */
  format: string
  timeoutMs: number
  cwd: string
  env: Record<string, string>
  /** Runs of the command, each adding its trials; undefined: once, or DEFAULT_SINGLE_VALUE_RUNS when a run gives one value per benchmark. */
  repeat?: number
  /** Sample the command's process tree memory: each run adds an `rss_peak` trial to the scenario `<name> (process)`. */
  memory?: boolean
}

/** What produces the current results. */
export type RunSource =
  | SuitesSource
  | { kind: 'results-file'; path: string; format: string }
  /** HTTP endpoint load with autocannon (src/run/load). */
  | LoadSource
  /** Commands that only touch the baseline store need nothing to run. */
  | { kind: 'none' }

/** Command suites, and (a config with both) the load section run after them in the same gate: one run, one report. */
export interface SuitesSource {
  kind: 'suites'
  suites: SuiteSettings[]
  /** The config's load scenarios; their scenarios carry the suite label LOAD_SUITE_NAME. */
  load?: LoadSource
}

/** The name the load section of a config with suites goes by (`--suite load`, `suite: load` in rules). */
export const LOAD_SUITE_NAME = 'load'

/** One endpoint of a load scenario; requests cycle through a scenario's endpoints in order. */
export interface LoadEndpointSettings {
  method: string
  /** Absolute http(s) URL (a configured path is resolved against the base URL when settings are parsed). */
  url: string
  headers: Record<string, string>
  body?: string
  /** Statuses that count as success; empty means any 2xx. Others count as errors of kind non-2xx. */
  expectedStatus: number[]
  /** In a scenario of several endpoints: the prefix of its own metrics ("GET /items p95"), configured or METHOD /path. */
  name: string
  /** Requests to this endpoint for each request of weight 1 (a whole number, 1–100). */
  weight: number
}

/** One load scenario: its endpoints and how hard, how long and how often to hit them. */
export interface LoadScenarioSettings {
  name: string
  endpoints: LoadEndpointSettings[]
  connections: number
  /** Length of each measured part; ignored when `requests` is set. */
  durationSeconds: number
  /** Measured part by request count instead of duration. */
  requests?: number
  /** Load applied before each trial's measured part, then discarded. 0 for none. */
  warmupSeconds: number
  trials: number
  /** Fixed arrival rate (requests per second over all connections, open loop); undefined for closed loop. */
  ratePerSecond?: number
  /** Per-request time limit. */
  timeoutSeconds: number
  /** Stages (ramps and plateaus) instead of one constant load; `connections` (users) or `ratePerSecond` is their peak. */
  shape?: LoadShapeSettings
  /** Closed loop: each connection (user) pauses this long after a response before its next request. */
  thinkTime?: ThinkTimeSettings
  /** The `scale` the configured load was multiplied by, when not 1 (for the report's labels). */
  scale?: number
  /** Generator worker threads sharing each pass (src/run/load/workers); 1 (this thread) when not set. */
  workers?: number
}

/**
 * A load that changes over a trial, as k6's `stages` and Locust's spawn rate: each stage moves linearly from the
 * previous stage's target (0 before the first) to its own over its duration.
 */
export interface LoadShapeSettings {
  /** users: concurrent connections, closed loop; rate: requests per second over all connections, open loop. */
  unit: 'users' | 'rate'
  stages: LoadStageSettings[]
  /** steady: only the stages that hold their target are measured (one part per distinct target); all: the whole trial. */
  measure: 'steady' | 'all'
  /** A shard's share of a shape: the configured target of each stage, which names the parts the same on every shard. */
  configuredTargets?: number[]
}

export interface LoadStageSettings {
  durationSeconds: number
  target: number
}

/** A pause between a user's requests: fixed (min = max) or uniform in [min, max]. */
export interface ThinkTimeSettings {
  minSeconds: number
  maxSeconds: number
}

/** A server perf-gate starts, waits for, watches and stops. */
export interface ServerSettings {
  /** Shell command that starts the server (runs in its own process group). */
  start: string
  cwd: string
  env: Record<string, string>
  /** Polled until it answers (any HTTP status below 500); undefined means the first endpoint's origin. */
  readyUrl?: string
  readyTimeoutMs: number
  /** Start a new server for every trial (and stop it after), instead of one for the whole run. */
  freshPerTrial: boolean
}

/** One WebSocket load scenario (src/run/ws): clients that connect, then send a message and wait for its reply, in turn. */
export interface WebSocketScenarioSettings {
  name: string
  /** Absolute ws:// or wss:// URL. */
  url: string
  /** The text every message carries (a configured JSON value is sent as its JSON text). */
  message: string
  /** Clients connected at once (the scenario's `connections`). */
  clients: number
  /** New connections per second while the clients connect (a ramp); undefined: all at once. */
  connectRatePerSecond?: number
  /** Messages per second per client (open loop, each due at a fixed time); undefined: the next goes when the reply arrives. */
  messageRatePerSecond?: number
  durationSeconds: number
  warmupSeconds: number
  trials: number
  /** Time limit of the opening handshake and of each reply. */
  timeoutSeconds: number
}

export interface LoadSource {
  kind: 'load'
  /** HTTP scenarios (autocannon's connections, perf-gate's recording); may be empty when only WebSocket scenarios are configured. */
  scenarios: LoadScenarioSettings[]
  /** WebSocket scenarios, run after the HTTP ones against the same server. */
  websocketScenarios?: WebSocketScenarioSettings[]
  server?: ServerSettings
  /** Values (header secrets) to mask in logs; results never carry headers at all. */
  secrets: string[]
  /** The presets the scenarios could be built from: built-in and the config's own `profiles:` (for `perf-gate list`). */
  profiles?: Record<string, LoadProfileSettings>
}

/** A load preset: connections, trial length, warm-up, trials, and optionally a fixed arrival rate. */
export interface LoadProfileSettings {
  connections: number
  durationSeconds: number
  warmupSeconds: number
  trials: number
  ratePerSecond?: number
  /** Multiplies connections, rate and stage targets (a stress variant of the same scenarios). */
  scale?: number
}

/** One parsed threshold expression. */
export type ThresholdExpression =
  | {
      kind: 'relative'
      /** Worse-by fraction: 0.2 for "+20%" on a lower-is-better metric or "-20%" on a higher-is-better one. */
      worseFraction: number
      /** The sign the user wrote, if any: checked against the metric's direction when it is known. */
      sign?: '+' | '-'
      text: string
    }
  | { kind: 'absolute'; operator: '<' | '<=' | '>' | '>='; value: number; unit: string; text: string }

/** The warn and fail levels for one metric, and where they were defined (for messages). */
export interface MetricThreshold {
  warn: ThresholdExpression[]
  fail: ThresholdExpression[]
  direction?: Direction
  definedAt: string
}

/** A set of metric rules that applies to some scenarios. Later rules win over earlier ones. */
export interface ThresholdRule {
  /** Scenario name globs; undefined means every scenario. */
  scenarios?: string[]
  /** Applies only to scenarios produced by this suite. */
  suite?: string
  /** Metric name or glob → threshold. */
  metrics: Record<string, MetricThreshold>
  /** The built-in default, used when nothing configures a threshold. */
  isDefault?: boolean
}

export interface BaselineSettings {
  store: BaselineStoreKind
  /** Absolute directory of the file store. */
  dir: string
  historyLimit: number
  /** A pinned baseline to compare against instead of the rolling one. */
  name?: string
  /** Exit 2 when no baseline can be read (or a due one cannot be saved) instead of reporting without one. */
  failOnMissing?: boolean
  /** Save a run whose error rate failed its budget anyway (opt-in; by default such a run is never a baseline). */
  saveOverErrorBudget?: boolean
  /** How long baseline artifacts are kept (artifact store), in days. */
  retentionDays?: number
}

/**
 * Same-runner A/B: what the current run is compared with, and when the base commit is measured on this runner.
 * - compareTo 'stored': verdicts against stored baselines; suspected regressions are confirmed (confirm 'on-regression').
 * - compareTo 'base-commit': every gated metric is decided by A/B pairs from the start.
 */
export interface ConfirmSettings {
  compareTo: 'stored' | 'base-commit'
  when: 'on-regression' | 'never'
  /** Builds the base commit's checkout before it is measured (run in the working directory's place there). */
  build?: string
  buildTimeoutMs: number
  /** Pair counts at which to look, ascending. */
  looks: number[]
  /** Wall-clock budget for confirmation (build excluded). */
  budgetMs: number
  /** The base commit or ref, when the event does not say (CLI: --base). */
  base?: string
  /**
   * Load A/B: `sequential`, arms one after the other, a fresh server each; `slices`, both servers up side by side,
   * loaded in turn in short slices, closed loop (every metric); `duet`, both loaded in the same 1 s slices at one
   * open-loop rate (latencies only); `auto`, slices, and sequential where the server ignores the PORT it is given.
   */
  method: ConfirmMethod
  /** Pair counts at which slices and the duet look (a pair is a slice of each arm): the configured looks, else DEFAULT_DUET_LOOKS. */
  duetLooks: number[]
}

export type ConfirmMethod = 'auto' | 'sequential' | 'slices' | 'duet'

export interface GateSettings {
  /** Tells several gates in one repository apart (sticky comment, baseline keys). */
  name: string
  /** Directory relative paths resolve against (the repository root / workspace). */
  rootDir: string
  /** The config file these settings came from, if any (for messages). */
  configPath?: string
  source: RunSource
  thresholds: ThresholdRule[]
  baseline: BaselineSettings
  /** Exit 1 on warn and inconclusive too. */
  strict: boolean
  /** Exit 1 on regressions (the Action's fail-on-regression; always true on the CLI). */
  failOnRegression: boolean
  confirm: ConfirmSettings
  /** Set when only some suites run (`--suite`): baselines are compared on those suites' scenarios only. */
  suiteScope?: string[]
  /** What a gated baseline scenario or metric missing from this run does, by scenario glob; the last match wins, default fail. */
  removed: RemovedRule[]
}

export type RemovedPolicy = 'fail' | 'warn' | 'ignore'

export interface RemovedRule {
  scenarios: string
  policy: RemovedPolicy
}

export const DEFAULT_GATE_NAME = 'default'
export const DEFAULT_CONFIG_PATH = '.github/perf-gate.yml'
export const DEFAULT_BASELINE_DIR = '.perf-gate'
/** Enough stored runs for change points to see a step with room on both sides (older runs are compacted). */
export const DEFAULT_HISTORY_LIMIT = 50
export const DEFAULT_SUITE_TIMEOUT_MS = 10 * 60 * 1000
export const DEFAULT_CONFIRM_LOOKS = [6, 12, 20]
/**
 * Interleaved suite pairs are one command run per arm: cheaper and noisier than whole-suite arms, so more of them
 * (bench/interleaved-cost.ts: on a busy runner fewer runs and more decisions than whole-suite arms at 6/12/20).
 */
export const DEFAULT_SUITE_LOOKS = [10, 20, 40, 80]
export const DEFAULT_CONFIRM_METHOD: ConfirmMethod = 'auto'
/**
 * Side-by-side slices are cheap (a quarter second, no server restart): more of them. A quarter-second slice's p95
 * scatters by about a third per pair on a busy runner (bench/slice-noise.ts), so ruling out +10 % on unchanged code
 * can need 160 pairs (80 s of measuring); at 80 pairs the last look left 2 of 14 unchanged decisions inconclusive.
 */
export const DEFAULT_DUET_LOOKS = [10, 20, 40, 80, 160]
export const DEFAULT_CONFIRM_BUDGET_MS = 15 * 60 * 1000
export const DEFAULT_BUILD_TIMEOUT_MS = 20 * 60 * 1000
