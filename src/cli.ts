/**
 * The CLI's edge: argv → settings and a local context; the file store and the terminal report wired in.
 *   perf-gate run | compare | baseline list|show|promote | history | help
 * Exit codes: 0 pass (warn and inconclusive too, unless --strict), 1 regression, 2 the run failed,
 * 3 bad configuration or input.
 */
import { execFileSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { FileBaselineStore } from './baselines/file-store.js'
import { validateBaselineText } from './baselines/select.js'
import type { BaselineRecord } from './baselines/store.js'
import { givenBaselineStore, unsavedBaselineRecord } from './baselines/given-baseline.js'
import { findStoredRun, storedRunContext } from './baselines/stored-run.js'
import type { LoadEdgeSettings } from './config/load-settings.js'
import { checkStoreName } from './config/names.js'
import { closestName } from './closest-name.js'
import { inlineThresholdMap, resolveSettings, type EdgeSettings } from './config/resolve-settings.js'
import { parseDemoServerArgs, startDemoServer } from './demo/demo-server.js'
import { DEFAULT_CONFIG_PATH, type GateSettings } from './config/settings.js'
import { changedTrackedPaths, type RunContext } from './context.js'
import { EXIT_BAD_INPUT, EXIT_PASS, InputError, RunError, exitCodeOf, messageOf } from './errors.js'
import { formatNames, parseResultsText, resultsFormatName } from './formats/registry.js'
import { decodeResultsBytes } from './formats/results-file.js'
import { runGate, type GateDeps, type GateOutcome } from './gate.js'
import type { Logger } from './log.js'
import { displayPath } from './paths.js'
import { cancelOnSignals } from './run/cancellation.js'
import { renderHtmlReport } from './report/html/render-html.js'
import { renderMarkdownReport } from './report/markdown.js'
import { REPORT_HELP, readGateReport } from './report/report-command.js'
import type { GateReport } from './report/report-model.js'
import { buildFailureReport } from './report/failure-report.js'
import { describeGateSetup } from './config/describe-setup.js'
import { selectSuites } from './config/select-suites.js'
import { renderTerminalReport } from './report/terminal.js'
import { shouldUseColor, truncateToWidth } from './report/terminal-style.js'
import type { Results } from './results/model.js'
import { formatAge } from './report/format-cells.js'
import { VERSION } from './version.js'
import { historyCommand, HISTORY_HELP } from './history/history-command.js'

/** What the CLI talks to: streams and the working directory, so tests can run it in-process too. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  cwd: string
  env: NodeJS.ProcessEnv
}

const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  name: { type: 'string', short: 'n' },
  thresholds: { type: 'string', short: 't', multiple: true },
  format: { type: 'string', short: 'f' },
  'baseline-dir': { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  html: { type: 'string' },
  strict: { type: 'boolean' },
  all: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsConfig['options']

const HELP: Record<string, string> = {
  main: `perf-gate ${VERSION}: stop performance regressions before they merge.

Usage: perf-gate <command> [options]

Commands:
  run                 run the configured suite, compare with the baseline, report
  compare             compare two results files (no suite is run)
  report <file>       render a JSON report again (or a stored run: --baseline <id>)
                      as --html (charts) or --markdown
  list                what the config defines: suites, load scenarios, profiles
  baseline list       list stored baselines
  baseline show [id]  print a stored baseline (default: latest)
  baseline promote    save results as the new baseline (a file, a stored run, or run the suite)
  history             stored runs × gated metrics, with change points
  demo-server         start the built-in demo HTTP server (for examples and trying load)
  help [command]      show help for a command

Exit codes: 0 pass (warn and inconclusive too, unless --strict), 1 regression,
2 the run itself failed or timed out, 3 bad configuration or input.
Run 'perf-gate <command> --help' for the options of a command; every command takes
--no-color (NO_COLOR and FORCE_COLOR are honoured too).`,
  run: `Usage: perf-gate run [options]

Runs the suite from the config file (default ${DEFAULT_CONFIG_PATH}) or --command,
compares with the newest baseline in the file store, prints the table and exits
with the verdict.

Options:
  -c, --config <file>      config file (YAML or JSON)
      --command <cmd>      benchmark command to run instead of the config's suites
      --suite <name>       run only this suite of the config (repeatable); compared on
                           its own scenarios, never saved as the baseline
      --results <file>     file the command writes (or, without --command, results to gate as they are)
  -f, --format <name>      results format: auto (default), ${formatNames().join(', ')}
      --timeout <duration> time limit of the command (e.g. 90s, 10m; default 10m)
      --repeat <n>         runs of each suite's command, each adding trials (default: once, or 5 when a run gives one value)
      --url <url>          load one endpoint with autocannon instead (or use load: in the config)
      --connections <n>    load: concurrent connections
      --duration <d>       load: length of each trial (e.g. 10s)
      --rate <n>           load: fixed arrival rate in requests/s (open loop)
      --trials <n>         load: number of trials
      --workers <n|auto>   load: generator threads sharing the load (default 1; auto: one per core)
      --profile <name>     load preset: smoke (quick), standard, stress, soak
      --start <cmd>        load: command that starts the server, in the foreground (stopped at the end)
      --ready-url <url>    load: URL (or path) polled until the server answers
  -t, --thresholds <rules> inline thresholds, repeatable: "p95: +20%" or "p95=+20%,p99=<300ms"
  -n, --name <gate>        gate name (default: the config's name, or "default")
      --baseline-dir <dir> file store directory (default .perf-gate in the current directory)
      --baseline <name>    compare against a pinned baseline instead of the newest
      --save-baseline      save this run's results as the new baseline
      --fail-on-missing-baseline
                           exit 2 when no baseline can be read (none saved, or it is
                           corrupt or from a newer perf-gate) instead of reporting
                           without one (config: baseline.fail-on-missing)
      --compare-to <what>  stored (default): stored baselines, confirming suspected
                           regressions on this machine against --base (when given);
                           base-commit: measure --base and this checkout alternately and
                           decide every metric from the pairs
      --base <ref>         the base commit for A/B (e.g. origin/main)
      --build <cmd>        builds the base commit's checkout before it is measured
      --confirm <when>     on-regression (default) or never
      --confirm-budget <d> time budget for A/B pairs (default 15m)
      --json <file>        write the machine-readable report (- for standard output;
                           the table then goes to stderr; written on failure too)
      --markdown <file>    write the Markdown table
      --html <file>        write the HTML report (distributions, trials, history)
      --strict             exit 1 on warn and inconclusive too
      --all                show unchanged metrics too
      --no-color           plain output
  -q, --quiet              no suite output, only the report`,
  'demo-server': `Usage: perf-gate demo-server [options]

Starts a small HTTP server for trying load gates: /fast answers after the latency,
/items returns JSON after twice the latency, /health answers at once.
Prints "listening on http://127.0.0.1:PORT" when ready; stops on Ctrl-C.

Options:
      --port <n>           port (default: the PORT environment variable, else 0: any free port)
      --latency-ms <ms>    base latency of /fast (default 1)
      --factor <x>         multiplies every latency (default 1, or PERF_GATE_DEMO_FACTOR)`,
  history: HISTORY_HELP,
  report: REPORT_HELP,
  compare: `Usage: perf-gate compare --baseline <file> --current <file> [options]
       perf-gate compare <baseline file> <current file> [options]

Compares two results files (or saved baseline files) with the thresholds of the
config file or --thresholds. Runs nothing and saves nothing.

Options:
      --baseline <file>    the baseline results (a results file or a saved baseline)
      --current <file>     the current results
      --fail-on-missing-baseline
                           exit 2 (not 3) when the --baseline file is missing or cannot
                           be used (config: baseline.fail-on-missing)
  -f, --format <name>      format of both files (default: auto)
  -t, --thresholds <rules> inline thresholds, repeatable, e.g. "p95: +20%"
  -c, --config <file>      config file for thresholds
      --json <file>        write the machine-readable report (- for standard output;
                           the table then goes to stderr; written on failure too)
      --markdown <file>    write the Markdown table
      --html <file>        write the HTML report (distributions, trials, history)
      --strict             exit 1 on warn and inconclusive too
      --all                show unchanged metrics too
      --no-color           plain output`,
  list: `Usage: perf-gate list [-c <config>] [--profile <name>]

Prints what the config file (default ${DEFAULT_CONFIG_PATH}) defines: each suite (its
command, results file, format, time limit), each load scenario (endpoints, connections,
duration, trials, rate, as the profile sets them) and the load profiles with their knobs.
Run one suite with 'perf-gate run --suite <name>'.`,
  baseline: `Usage: perf-gate baseline <list|show|promote> [options]

  list                     list stored baselines of the gate, newest first
  show [id|name|latest]    print one stored baseline as JSON (default: latest)
  promote [file|id]        save a results file as the new baseline; or a stored run (a
                           baseline record file, or latest, an id, a pinned name or a
                           commit, as show takes them), its results, commit and branch
                           kept; without either, run the configured suite and save its
                           results (prints the saved baseline's id on stdout)
      --as <name>          save as a pinned (named) baseline, e.g. release-1.4

Options:
  -c, --config <file>      config file
  -n, --name <gate>        gate name
      --baseline-dir <dir> file store directory (default .perf-gate in the current directory)
  -f, --format <name>      format of the results file (default: auto)`
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${HELP[rest[0] ?? 'main'] ?? HELP.main}\n`)
        return command === undefined ? EXIT_BAD_INPUT : EXIT_PASS
      case '--version':
      case '-V':
        io.stdout.write(`${VERSION}\n`)
        return EXIT_PASS
      case 'run':
        return await runCommand(rest, io)
      case 'compare':
        return await compareCommand(rest, io)
      case 'baseline':
        return await baselineCommand(rest, io)
      case 'demo-server':
        return await demoServerCommand(rest, io)
      case 'list':
        return await listCommand(rest, io)
      case 'history':
        return await historyCliCommand(rest, io)
      case 'report':
        return await reportCliCommand(rest, io)
      default:
        throw new InputError(`unknown command "${command}"; commands: run, compare, report, list, history, baseline, demo-server, help`)
    }
  } catch (error) {
    io.stderr.write(`perf-gate: ${messageOf(error)}\n`)
    return exitCodeOf(error)
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    // --no-color is taken by every command (a habit, or an alias that adds it), whether or not it prints colour.
    const parsed = parseArgs({ args, options: { 'no-color': { type: 'boolean' }, ...options }, allowPositionals, strict: true })
    const values = Object.fromEntries(
      Object.entries(parsed.values).map(([key, value]) => [key, key === 'thresholds' && Array.isArray(value) ? joinedThresholdFlags(value as string[]) : value])
    )
    return { values: values as Record<string, string | boolean | undefined>, positionals: parsed.positionals }
  } catch (error) {
    if (error instanceof InputError) throw error
    // Node adds advice on positionals that start with '-' where a command takes positionals; a mistyped option is far
    // more likely than a file named "--threshold".
    const message = messageOf(error)
      .replace(/^TypeError \[[A-Z_]+\]: /, '')
      .replace(/\. To specify a positional argument starting with a '-'.*$/s, '')
    throw new InputError(`${message}${optionHint(error, options)}; see --help`)
  }
}

/** ` (did you mean "--thresholds"?)` for an unknown option near a known one. */
function optionHint(error: unknown, options: NonNullable<ParseArgsConfig['options']>): string {
  if ((error as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return ''
  const given = /'--([^'=]+)/.exec(messageOf(error))?.[1]
  const near = given === undefined ? undefined : closestName(given, Object.keys(options))
  return near ? ` (did you mean "--${near}"?)` : ''
}

/**
 * `-t "p95: +10%" -t "p99: <300ms"`: every flag's rules, merged into one map (as JSON, which the inline parser reads
 * as YAML). The same metric in two flags is bad input, not a silent last-one-wins.
 */
function joinedThresholdFlags(flags: string[]): string {
  if (flags.length === 1) return flags[0]!
  const merged: Record<string, unknown> = {}
  for (const flag of flags) {
    for (const [metric, rule] of Object.entries(inlineThresholdMap(flag, `--thresholds "${flag}"`))) {
      if (metric in merged) throw new InputError(`--thresholds: "${metric}" is given in two flags; give each metric once`)
      merged[metric] = rule
    }
  }
  return JSON.stringify(merged)
}

function cliLogger(io: CliIo, quiet: boolean): Logger {
  const secrets: string[] = []
  const mask = (text: string): string => secrets.reduce((masked, secret) => masked.split(secret).join('***'), text)
  // TERM=dumb cannot clear a line; it gets plain lines.
  const live = io.stderr.isTTY === true && io.env.TERM !== 'dumb'
  let liveLine = false
  const write = (text: string): void => {
    if (liveLine) {
      io.stderr.write('\r\u001b[2K')
      liveLine = false
    }
    io.stderr.write(`${mask(text)}\n`)
  }
  return {
    info: (message) => {
      if (!quiet) write(message)
    },
    warn: (message) => write(`warning: ${message}`),
    error: (message) => write(`error: ${message}`),
    debug: (message) => {
      if (io.env.PERF_GATE_DEBUG) write(`debug: ${message}`)
    },
    addSecret: (value) => {
      if (value) secrets.push(value)
    },
    progress: (line) => {
      if (quiet) return
      if (live) {
        const columns = (io.stderr as { columns?: number }).columns
        io.stderr.write(`\r\u001b[2K${columns ? truncateToWidth(mask(line), columns - 1) : mask(line)}`)
        liveLine = true
      } else write(line)
    },
    progressDone: () => {
      if (liveLine) io.stderr.write('\n')
      liveLine = false
    },
    // A live line can move every second; lines in a log every few seconds are enough.
    progressIntervalMs: live ? 1000 : 5000
  }
}

/**
 * The local context: git's commit and branch when inside a repository. For a run saved into the file store at
 * `saveInto`, also whether tracked files (outside that store) have uncommitted changes, which make the commit the
 * wrong name for what is measured; a run that is not saved skips the look (git status can take seconds in a large
 * repository).
 */
function localContext(cwd: string, saveInto?: string): RunContext {
  // Untrimmed: a status line starts with a space when only the working tree changed.
  const gitOutput = (...args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 }).toString()
    } catch {
      return undefined
    }
  }
  const git = (...args: string[]): string | undefined => gitOutput(...args)?.trim() || undefined
  const context: RunContext = { event: 'local', runner: 'local' }
  const sha = git('rev-parse', 'HEAD')
  const branch = git('symbolic-ref', '-q', 'HEAD')
  if (sha) context.sha = sha
  if (branch) context.ref = branch
  if (sha && saveInto !== undefined) {
    const top = git('rev-parse', '--show-toplevel')
    // --no-optional-locks: a status run beside the user's own git commands must not take the index lock from them.
    const status = top ? gitOutput('--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=no') : undefined
    if (top && status && changedTrackedPaths(status, top, realPathOrUndefined(saveInto)).length > 0) context.dirty = true
  }
  return context
}

/** The real path (git names the top of a repository by it), or undefined while it does not exist: nothing tracked there. */
function realPathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

/** A commit for --base: any ref git knows (origin/main, a tag, a sha). */
function resolveCommit(ref: string, cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()
  } catch {
    throw new InputError(`--base: "${ref}" is not a commit git knows here (try origin/main, a tag or a sha; fetch it first in a shallow clone)`)
  }
}

/** Load flags of `run` and the edge setting each fills. */
const LOAD_FLAGS: Array<[string, keyof LoadEdgeSettings]> = [
  ['url', 'url'],
  ['connections', 'connections'],
  ['duration', 'duration'],
  ['rate', 'rate'],
  ['trials', 'trials'],
  ['workers', 'workers'],
  ['profile', 'profile'],
  ['start', 'start'],
  ['ready-url', 'readyUrl']
]

async function settingsFromFlags(values: Record<string, string | boolean | undefined>, io: CliIo, extra: Partial<EdgeSettings> = {}): Promise<GateSettings> {
  const config = values.config as string | undefined
  const edge: EdgeSettings = {
    rootDir: io.cwd,
    configPath: config ?? DEFAULT_CONFIG_PATH,
    configExplicit: config !== undefined,
    defaultBaselineStore: 'file',
    failOnRegression: true,
    thresholdsSource: '--thresholds',
    ...extra
  }
  const text = (key: string): string | undefined => (typeof values[key] === 'string' ? (values[key] as string) : undefined)
  if (text('name')) edge.name = text('name')!
  if (text('command')) edge.command = text('command')!
  if (text('results')) edge.resultsPath = text('results')!
  if (text('format')) edge.format = text('format')!
  if (text('timeout')) edge.timeout = text('timeout')!
  if (text('repeat')) edge.repeat = text('repeat')!
  if (text('thresholds')) edge.thresholdsText = text('thresholds')!
  if (text('baseline-dir')) edge.baselineDir = text('baseline-dir')!
  // `run --baseline <name>` picks a pinned baseline; `compare --baseline <file>` means a file and is handled there.
  if (typeof values.baseline === 'string' && !('baselineName' in extra)) edge.baselineName = values.baseline
  if (values.strict) edge.strict = true
  if (values['fail-on-missing-baseline']) edge.failOnMissingBaseline = true
  const load: LoadEdgeSettings = {}
  for (const [flag, key] of LOAD_FLAGS) if (text(flag)) load[key] = text(flag)!
  if (Object.keys(load).length > 0) edge.load = load
  edge.env = io.env
  const settings = await resolveSettings(edge)
  if (settings.baseline.store !== 'file') {
    // The config may say cache or artifact for the Action; locally, the file store is what exists.
    settings.baseline.store = 'file'
  }
  return settings
}

function fileStore(settings: GateSettings): FileBaselineStore {
  return new FileBaselineStore(settings.baseline.dir, displayPath(settings.rootDir, settings.baseline.dir), settings.baseline.historyLimit)
}

async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    ...COMMON_OPTIONS,
    command: { type: 'string' },
    results: { type: 'string' },
    timeout: { type: 'string' },
    repeat: { type: 'string' },
    baseline: { type: 'string' },
    'save-baseline': { type: 'boolean' },
    'fail-on-missing-baseline': { type: 'boolean' },
    'compare-to': { type: 'string' },
    suite: { type: 'string', multiple: true },
    base: { type: 'string' },
    build: { type: 'string' },
    confirm: { type: 'string' },
    'confirm-budget': { type: 'string' },
    ...Object.fromEntries(LOAD_FLAGS.map(([flag]) => [flag, { type: 'string' as const }]))
  })
  if (values.help) return help(io, 'run')
  const text = (key: string): string | undefined =>
    typeof values[key as keyof typeof values] === 'string' ? (values[key as keyof typeof values] as string) : undefined
  let settings: GateSettings
  try {
    const base = text('base') ? resolveCommit(text('base')!, io.cwd) : undefined
    settings = await settingsFromFlags(values, io, {
      ...(text('compare-to') ? { compareTo: text('compare-to')! } : {}),
      ...(text('build') ? { build: text('build')! } : {}),
      ...(text('confirm') ? { confirm: text('confirm')! } : {}),
      ...(text('confirm-budget') ? { confirmBudget: text('confirm-budget')! } : {}),
      ...(base ? { base } : {})
    })
    const suites = values.suite as unknown as string[] | undefined
    if (suites?.length && values['save-baseline']) {
      throw new InputError('--save-baseline with --suite would save only some suites as the baseline; run every suite to save one')
    }
    settings = selectSuites(settings, suites)
    // A terminal has no pull request to name the base: without --base the A/B that was asked for could not run, and
    // the stored comparison it would fall back to is not what was asked for.
    if (settings.confirm.compareTo === 'base-commit' && !settings.confirm.base) {
      throw new InputError(
        `compare-to base-commit${text('compare-to') ? '' : ' (from the config file)'} measures the base commit and this one in turns on this machine: name the base with --base <commit> (e.g. --base origin/main)`
      )
    }
  } catch (error) {
    await writeFailureJson(text('name') ?? 'default', error, values, io, false)
    throw error
  }
  // A pinned name the store does not hold is refused by runGate before the suite runs (exit 3); see requirePinned.
  const store = fileStore(settings)
  const log = cliLogger(io, values.quiet === true)
  const controller = cancelOnSignals()
  try {
    const outcome = await runGate(
      settings,
      {
        log,
        store,
        context: localContext(io.cwd, values['save-baseline'] ? settings.baseline.dir : undefined),
        now: () => new Date(),
        signal: controller.signal
      },
      { save: values['save-baseline'] ? 'promote' : 'never' }
    )
    return await finish(outcome, values, io)
  } catch (error) {
    await writeFailureJson(settings.name, error, values, io, controller.signal.aborted)
    throw error
  } finally {
    controller.dispose()
  }
}

async function compareCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, baseline: { type: 'string' }, current: { type: 'string' }, 'fail-on-missing-baseline': { type: 'boolean' } },
    true
  )
  if (values.help) return help(io, 'compare')
  const { baselinePath, currentPath } = comparedPaths(values, positionals)
  if (!baselinePath || !currentPath) throw new InputError('compare needs both --baseline <file> and --current <file> (or the two files in that order)')
  try {
    return await compareFiles(baselinePath, currentPath, values, io)
  } catch (error) {
    // --help promises the JSON on failure too: a file that cannot be read or a tool that reported a failure.
    await writeFailureJson(typeof values.name === 'string' ? values.name : 'default', error, values, io, false)
    throw error
  }
}

/** `compare old.json new.json`, as benchstat and diff take them, or the flags; never both for one side. */
function comparedPaths(values: Record<string, string | boolean | undefined>, positionals: string[]): { baselinePath?: string; currentPath?: string } {
  const flagged = [values.baseline, values.current].filter((value) => typeof value === 'string').length
  if (positionals.length > 2 - flagged) {
    throw new InputError(
      `Unexpected argument '${positionals[2 - flagged]}': compare takes a baseline and a current file, by --baseline/--current or in that order; see --help`
    )
  }
  const rest = [...positionals]
  const baselinePath = typeof values.baseline === 'string' ? values.baseline : rest.shift()
  const currentPath = typeof values.current === 'string' ? values.current : rest.shift()
  return { ...(baselinePath ? { baselinePath } : {}), ...(currentPath ? { currentPath } : {}) }
}

async function compareFiles(baselinePath: string, currentPath: string, values: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  const format = resultsFormatName((values.format as string | undefined) ?? 'auto', '--format')
  const current = await readResultsArgument(resolve(io.cwd, currentPath), currentPath, format)
  const settings = await settingsFromFlags(values, io, { resultsPath: currentPath, baselineName: '', confirm: 'never' })
  let baseline: { results: Results; record: BaselineRecord; savedRecord: boolean }
  try {
    baseline = await readResultsArgument(resolve(io.cwd, baselinePath), baselinePath, format)
  } catch (error) {
    // Without the flag a baseline file that cannot be used is bad input (exit 3); with it, a missing baseline (exit 2).
    if (!settings.baseline.failOnMissing || !(error instanceof InputError)) throw error
    throw new RunError(`fail-on-missing-baseline: no baseline could be read (${messageOf(error)}), so the run fails (exit 2).`)
  }
  const store = givenBaselineStore(baseline.record, `file ${baselinePath}`, baseline.savedRecord ? 'saved record' : 'results')
  const outcome = await runGate(
    settings,
    { log: cliLogger(io, true), store, context: { event: 'local', runner: 'local' }, now: () => new Date(), produce: async () => current.results },
    { save: 'never' }
  )
  return finish(outcome, values, io)
}

/** A results file in any format, or a saved baseline record (whose results are used). */
async function readResultsArgument(path: string, shown: string, format: string): Promise<{ results: Results; record: BaselineRecord; savedRecord: boolean }> {
  const text = await readArgumentText(path, shown)
  const saved = savedRecordIn(text, shown)
  if (saved) return { results: saved.results, record: saved, savedRecord: true }
  const results = parseResultsText(text, format, shown)
  const record = unsavedBaselineRecord(results, {
    gate: 'compare',
    id:
      basename(shown)
        .replace(/[^A-Za-z0-9._-]+/g, '_')
        .replace(/^[^A-Za-z0-9]+/, '') || 'file',
    // A plain results file has no save time; its modification time is the honest stand-in.
    savedAt: new Date((await stat(path)).mtimeMs).toISOString(),
    event: 'file'
  })
  return { results, record, savedRecord: false }
}

async function readArgumentText(path: string, shown: string): Promise<string> {
  try {
    return decodeResultsBytes(await readFile(path), shown)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError((error as NodeJS.ErrnoException).code === 'ENOENT' ? `${shown} does not exist` : `${shown} cannot be read: ${messageOf(error)}`)
  }
}

/** The baseline record `text` holds (validated; an invalid one is bad input), or undefined for any other file. */
function savedRecordIn(text: string, shown: string): BaselineRecord | undefined {
  if (!(/^\s*\{/.test(text) && /"gate"\s*:/.test(text) && /"results"\s*:/.test(text) && /"savedAt"\s*:/.test(text))) return undefined
  const problems: string[] = []
  const record = validateBaselineText(text, shown, problems)
  if (!record) throw new InputError(problems.join('; '))
  return record
}

/**
 * What `baseline promote <argument>` names when it is not a results file: a baseline record file (one of the store's
 * own, or a copy), or a run the store holds by id, pinned name, commit or "latest" (as `report --baseline` finds
 * them). Undefined for a results file, which is promoted as it always was. A record of another gate is refused: its
 * numbers were gated with other rules, and saved here they would stand for a gate that never measured them.
 */
async function storedRunToPromote(
  argument: string,
  values: Record<string, string | boolean | undefined>,
  io: CliIo
): Promise<{ record: BaselineRecord; settings: GateSettings } | undefined> {
  const path = resolve(io.cwd, argument)
  const isFile = await stat(path).then(
    (found) => found.isFile(),
    () => false
  )
  const saved = isFile ? savedRecordIn(await readArgumentText(path, argument), argument) : undefined
  if (isFile && !saved) return undefined
  const settings = await settingsFromFlags(values, io, { sourceOptional: true, confirm: 'never' })
  let record = saved
  if (!record) {
    try {
      record = (await findStoredRun(fileStore(settings), settings.name, argument, settings.baseline.historyLimit)).record
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      // A path or a file name was meant as a file: "no baseline" would answer a question that was not asked.
      if (/[/\\]|\.(json|gz|csv|txt|xml|out|log)$/i.test(argument)) throw new InputError(`baseline promote: ${argument} does not exist`)
      throw new InputError(`baseline promote: "${argument}" is neither a file nor a stored run of gate "${settings.name}": ${messageOf(error)}`)
    }
  }
  if (record.gate !== settings.name) {
    throw new InputError(
      `baseline promote: ${argument} is a baseline of gate "${record.gate}", not of gate "${settings.name}"; give -n ${record.gate} to promote it within its own gate`
    )
  }
  return { record, settings }
}

async function baselineCommand(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args
  if (action === undefined || action === '--help' || action === '-h') return help(io, 'baseline')
  const { values, positionals } = parse(
    rest,
    { ...COMMON_OPTIONS, as: { type: 'string' }, results: { type: 'string' }, command: { type: 'string' }, timeout: { type: 'string' } },
    true
  )
  if (values.help) return help(io, 'baseline')
  switch (action) {
    case 'list': {
      const settings = await settingsForStore(values, io)
      const problems: string[] = []
      const summaries = await fileStore(settings).list(settings.name, problems)
      // A record that cannot be read is left out of the list, and said so: a silent gap reads as "never saved".
      for (const problem of problems) io.stderr.write(`perf-gate: warning: ${problem}\n`)
      if (summaries.length === 0) {
        io.stdout.write(`No baselines for gate "${settings.name}" in ${displayPath(io.cwd, settings.baseline.dir)}.\n`)
        return EXIT_PASS
      }
      const now = Date.now()
      for (const summary of summaries) {
        const age = formatAge(Math.round((now - Date.parse(summary.savedAt)) / 1000))
        const what = summary.name ? `pinned "${summary.name}"` : summary.id
        // Last, so the columns before it stay where scripts read them.
        const dirty = summary.dirty ? '\tmeasured with uncommitted changes (not what its commit measures)' : ''
        io.stdout.write(`${what}\t${summary.savedAt} (${age} ago)\t${summary.sha?.slice(0, 7) ?? '-'}\t${summary.scenarios} scenario(s)${dirty}\n`)
      }
      return EXIT_PASS
    }
    case 'show': {
      const settings = await settingsForStore(values, io)
      const store = fileStore(settings)
      const idOrName = positionals[0] ?? 'latest'
      // The same names as `report --baseline`: latest, an id, a pinned name or a commit. Records skipped on the way
      // (a corrupt newer one, when "latest" is asked for) are said, not passed over in silence.
      const { problems } = await store.load({ gate: settings.name, historyLimit: Number.MAX_SAFE_INTEGER })
      for (const problem of problems) io.stderr.write(`perf-gate: warning: ${problem}\n`)
      const { record } = await findStoredRun(store, settings.name, idOrName, settings.baseline.historyLimit)
      io.stdout.write(`${JSON.stringify(record, null, 2)}\n`)
      return EXIT_PASS
    }
    case 'promote': {
      const argument = positionals[0]
      if (typeof values.as === 'string') checkStoreName(values.as, 'baseline name', '--as')
      const log = cliLogger(io, values.quiet === true)
      const stored = argument === undefined ? undefined : await storedRunToPromote(argument, values, io)
      const settings =
        stored?.settings ?? (await settingsFromFlags(argument ? { ...values, results: argument, command: undefined } : values, io, { confirm: 'never' }))
      // A stored run is saved again as it was measured: its results, commit and branch, not this checkout's.
      const measured: Pick<GateDeps, 'context' | 'produce'> = stored
        ? { context: storedRunContext(stored.record, 'local'), produce: async () => stored.record.results }
        : { context: localContext(io.cwd, settings.baseline.dir) }
      if (stored) {
        const { record } = stored
        log.info(
          `Promoting stored run ${record.name ? `"${record.name}" ` : ''}${record.id} (${record.source.sha ? `commit ${record.source.sha.slice(0, 7)}, ` : ''}saved ${record.savedAt}).`
        )
      }
      const outcome = await runGate(
        settings,
        { log, store: fileStore(settings), ...measured, now: () => new Date() },
        { save: 'promote', ...(typeof values.as === 'string' ? { promoteAs: values.as } : {}) }
      )
      if (outcome.saveFailure) throw new RunError(`the baseline was not saved: ${outcome.saveFailure}`)
      if (!outcome.saved) throw new InputError(`the baseline was not saved: ${outcome.saveDecision.reason}`)
      // The log (stderr) has said where it went and why; stdout answers the id alone, for a script to keep.
      io.stdout.write(`${outcome.saved.id}\n`)
      const replaced = outcome.saved.replaced
      if (replaced) {
        io.stdout.write(`It replaces pinned "${values.as}" ${replaced.id} (saved ${replaced.savedAt}), which is kept at ${replaced.keptAt}.\n`)
      }
      return EXIT_PASS
    }
    default:
      throw new InputError(`unknown baseline command "${action}"; use list, show or promote`)
  }
}

async function historyCliCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    config: COMMON_OPTIONS.config,
    name: COMMON_OPTIONS.name,
    thresholds: COMMON_OPTIONS.thresholds,
    'baseline-dir': COMMON_OPTIONS['baseline-dir'],
    scenario: { type: 'string', multiple: true },
    last: { type: 'string' },
    json: { type: 'boolean' },
    markdown: { type: 'boolean' },
    help: COMMON_OPTIONS.help
  })
  if (values.help) return help(io, 'history')
  const settings = await settingsForStore(values, io)
  return historyCommand(settings, fileStore(settings), values, io)
}

/** `perf-gate report <report.json> --html <file>`: a written report rendered again; or a stored run, judged again. */
async function reportCliCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      html: COMMON_OPTIONS.html,
      markdown: COMMON_OPTIONS.markdown,
      json: COMMON_OPTIONS.json,
      baseline: { type: 'string' },
      config: COMMON_OPTIONS.config,
      name: COMMON_OPTIONS.name,
      thresholds: COMMON_OPTIONS.thresholds,
      'baseline-dir': COMMON_OPTIONS['baseline-dir'],
      help: COMMON_OPTIONS.help
    },
    true
  )
  if (values.help) return help(io, 'report')
  const stored = typeof values.baseline === 'string'
  if (stored ? positionals.length !== 0 : positionals.length !== 1)
    throw new InputError('report takes one JSON report file (written by --json), or --baseline <id> for a stored run, not both; see --help')
  if (typeof values.html !== 'string' && typeof values.markdown !== 'string' && !(stored && typeof values.json === 'string'))
    throw new InputError(`report needs --html <file> or --markdown <file>${stored ? ' (or --json <file>)' : ''}; see --help`)
  if (!stored && typeof values.json === 'string') throw new InputError('report --json is for a stored run (--baseline <id>): a JSON report is already JSON')
  const report = stored ? await storedRunReport(values.baseline as string, values, io) : await readGateReport(resolve(io.cwd, positionals[0]!), positionals[0]!)
  await writeReports(report, values, io)
  return EXIT_PASS
}

/** A stored run judged against the runs saved before it (see baselines/stored-run.ts); nothing is measured or saved. */
async function storedRunReport(idOrName: string, values: Record<string, string | boolean | undefined>, io: CliIo): Promise<GateReport> {
  const settings = await settingsFromFlags(values, io, { sourceOptional: true, confirm: 'never' })
  const { record, earlier, before } = await findStoredRun(fileStore(settings), settings.name, idOrName, settings.baseline.historyLimit)
  const commit = record.source.sha ? `commit ${record.source.sha.slice(0, 7)}, ` : ''
  const then = record.verdict ? `; when it was saved, its verdict was ${record.verdict.status.toUpperCase()}` : ''
  const note = `Stored run ${record.name ?? record.id} (${commit}saved ${record.savedAt}), judged again with the gate's thresholds against the ${earlier.length} run(s) saved before it${then}.`
  const context = storedRunContext(record, record.source.event ?? 'stored')
  const outcome = await runGate(
    settings,
    { log: cliLogger(io, true), store: before, context, now: () => new Date(record.savedAt), produce: async () => record.results },
    { save: 'never', notes: [note] }
  )
  return outcome.report
}

/** Settings for commands that only touch the store: a missing suite is fine there. */
async function settingsForStore(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<GateSettings> {
  return settingsFromFlags(values, io, { sourceOptional: true })
}

async function finish(outcome: GateOutcome, values: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  await writeReports(outcome.report, values, io)
  // A report written to standard output (`--json -`) keeps it clean for the reader: the table goes to stderr.
  const terminal = values.json === '-' || values.markdown === '-' || values.html === '-' ? io.stderr : io.stdout
  const color = shouldUseColor(terminal, io.env, values['no-color'] === true)
  const columns = (terminal as { columns?: number }).columns
  terminal.write(renderTerminalReport(outcome.report, { color, all: values.all === true, ...(columns ? { width: columns } : {}) }))
  return outcome.exitCode
}

/** With --json, a run that could not reach a verdict still writes a JSON document: the error and what was measured. */
async function writeFailureJson(
  gate: string,
  error: unknown,
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  cancelled: boolean
): Promise<void> {
  if (typeof values.json !== 'string') return
  const text = `${JSON.stringify(buildFailureReport(gate, error, new Date(), cancelled), null, 2)}\n`
  if (values.json === '-') io.stdout.write(text)
  else {
    const path = resolve(io.cwd, values.json)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, text)
  }
}

async function writeReports(report: GateReport, values: Record<string, string | boolean | undefined>, io: CliIo): Promise<void> {
  const targets: Array<[string | boolean | undefined, () => string]> = [
    [values.json, () => `${JSON.stringify(report, null, 2)}\n`],
    [values.markdown, () => renderMarkdownReport(report)],
    [values.html, () => renderHtmlReport(report)]
  ]
  if ([values.json, values.markdown, values.html].filter((target) => target === '-').length > 1)
    throw new InputError('more than one of --json -, --markdown - and --html - ask for standard output; write the others to files')
  for (const [target, render] of targets) {
    if (typeof target !== 'string') continue
    if (target === '-') {
      io.stdout.write(render())
      continue
    }
    const path = resolve(io.cwd, target)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, render())
  }
}

function help(io: CliIo, command: string): number {
  io.stdout.write(`${HELP[command]}\n`)
  return EXIT_PASS
}

/** `perf-gate list`: the suites, load scenarios and profiles a config defines, with what each does. */
async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: COMMON_OPTIONS.config, profile: { type: 'string' }, help: { type: 'boolean', short: 'h' } })
  if (values.help) return help(io, 'list')
  const settings = await settingsForStore(values, io)
  io.stdout.write(describeGateSetup(settings, { cwd: io.cwd }))
  return EXIT_PASS
}

/** `perf-gate demo-server`: runs until SIGINT/SIGTERM. */
async function demoServerCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    port: { type: 'string' },
    'latency-ms': { type: 'string' },
    factor: { type: 'string' },
    help: { type: 'boolean', short: 'h' }
  })
  if (values.help) return help(io, 'demo-server')
  const options = parseDemoServerArgs(values as Record<string, string | undefined>, io.env)
  const server = await startDemoServer(options)
  io.stdout.write(`listening on ${server.url} (latency ${options.latencyMs} ms × factor ${options.factor})\n`)
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await server.close()
  return EXIT_PASS
}
