/**
 * Runs the bundled entries as users do: dist/index.js as the Actions runner runs it (INPUT_* variables with the
 * runner's name mangling, GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE, RUNNER_TEMP),
 * and dist/cli.js as a terminal does.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..')
export const ACTION_ENTRY = join(REPO_ROOT, 'dist', 'index.js')
export const CLI_ENTRY = join(REPO_ROOT, 'dist', 'cli.js')

export interface ProcessResult {
  exitCode: number | null
  /** The signal that ended the process, when one did (then `exitCode` is null). */
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Spawns node on a script and collects its output; kills it after `timeoutMs`. */
export function runNode(
  script: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void }
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    options.onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      // SIGTERM first, as a runner cancels a step: perf-gate stops the servers and checkouts it started; SIGKILL
      // only if it has not exited after a grace period (a SIGKILL alone would orphan them).
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      reject(new Error(`${script} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60000} ms\n${stdout}\n${stderr}`))
    }, options.timeoutMs ?? 60000)
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      resolvePromise({ exitCode, signal, stdout, stderr })
    })
  })
}

/** A scratch directory for one test. */
export function scratchDir(prefix = 'perf-gate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/**
 * The Action entry bundled from the current sources into a scratch directory, exactly as scripts/build.mjs builds
 * dist/: for suites that must exercise this checkout's code even before dist/ is rebuilt and committed.
 */
export function bundleActionEntry(): string {
  const out = scratchDir('perf-gate-dist-')
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs'), '--outdir', out], { cwd: REPO_ROOT })
  return join(out, 'index.js')
}

/** The environment a test child gets: the parent's PATH and HOME only, nothing of GitHub's. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' }
  return { ...env, ...extra }
}

export interface ActionRun extends ProcessResult {
  outputs: Record<string, string>
  summary: string
  workspace: string
  runnerTemp: string
}

export interface ActionRunOptions {
  workspace: string
  inputs: Record<string, string>
  event: 'push' | 'pull_request' | 'workflow_dispatch' | string
  payload: unknown
  env?: NodeJS.ProcessEnv
  sha?: string
  ref?: string
  timeoutMs?: number
  /** The bundle to run instead of dist/index.js (e.g. a fresh build in a scratch directory). */
  entry?: string
  /** Gets the spawned entry process (e.g. to send it the runner's cancellation signals). */
  onSpawn?: (child: ChildProcess) => void
}

/** Runs dist/index.js the way the Actions runner does. */
export async function runActionEntry(options: ActionRunOptions): Promise<ActionRun> {
  const home = scratchDir('perf-gate-runner-')
  const runnerTemp = join(home, 'temp')
  mkdirSync(runnerTemp, { recursive: true })
  const eventPath = join(home, 'event.json')
  writeFileSync(eventPath, JSON.stringify(options.payload))
  const outputPath = join(home, 'output.txt')
  const summaryPath = join(home, 'summary.md')
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const env: NodeJS.ProcessEnv = baseEnv({
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: options.sha ?? 'a'.repeat(40),
    GITHUB_REF: options.ref ?? 'refs/heads/main',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    ...options.env
  })
  // The runner sets every input that has a default in action.yml (format: auto, ...), then the step's own values.
  for (const [name, value] of Object.entries({ ...actionInputDefaults(), ...options.inputs })) {
    // The runner's mangling: spaces become underscores, upper case; hyphens stay.
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  const result = await runNode(options.entry ?? ACTION_ENTRY, [], {
    cwd: options.workspace,
    env,
    timeoutMs: options.timeoutMs ?? 60000,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {})
  })
  return {
    ...result,
    outputs: parseGithubOutput(readFileSync(outputPath, 'utf8')),
    summary: existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : '',
    workspace: options.workspace,
    runnerTemp
  }
}

/** The inputs action.yml gives a default, as the runner passes them (expressions such as the token are left out). */
export function actionInputDefaults(): Record<string, string> {
  const action = parseYaml(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: unknown }> }
  return Object.fromEntries(
    Object.entries(action.inputs).flatMap(([name, input]) =>
      input.default === undefined || String(input.default).includes('${{') ? [] : [[name, String(input.default)]]
    )
  )
}

/** Parses the GITHUB_OUTPUT file: name<<DELIMITER ... DELIMITER blocks (and name=value lines). */
export function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1)
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i]!.includes('=')) {
      const at = lines[i]!.indexOf('=')
      outputs[lines[i]!.slice(0, at)] = lines[i]!.slice(at + 1)
    }
  }
  return outputs
}

/** Runs dist/cli.js in `cwd`. */
export function runCliEntry(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 60000): Promise<ProcessResult> {
  return runNode(CLI_ENTRY, args, { cwd, env: baseEnv(env), timeoutMs })
}

/** Event payloads as GitHub sends them (the fields perf-gate reads). */
export function pushPayload(defaultBranch = 'main'): unknown {
  return { ref: `refs/heads/${defaultBranch}`, repository: { full_name: 'octo/shop', default_branch: defaultBranch } }
}

export function pullRequestPayload(options: { number?: number; baseSha: string; headRepo?: string }): unknown {
  return {
    number: options.number ?? 7,
    repository: { full_name: 'octo/shop', default_branch: 'main' },
    pull_request: {
      number: options.number ?? 7,
      base: { sha: options.baseSha, ref: 'main' },
      head: { sha: 'c'.repeat(40), ref: 'feature', repo: { full_name: options.headRepo ?? 'octo/shop' } }
    }
  }
}
