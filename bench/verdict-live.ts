/**
 * The verdicts of the real gate, live on loopback, beside the naive rule:
 *   npm run build && node --import tsx bench/verdict-live.ts      (about 25 minutes on 2 cores)
 *
 * A scratch git repository holds a load gate against the built-in demo server (`perf-gate demo-server`, 10 ms
 * per request times a factor read from `factor.txt`). Three commits: the base (factor 1), an unchanged head
 * (factor 1, a README edit) and a slow head (factor 1.3: +30% latency). Each replication runs, as a developer
 * would from a terminal with the bundled CLI:
 *   1. on the base commit: `perf-gate baseline promote` (measures and stores one run of the base), then
 *   2. on the head commit: `perf-gate run --compare-to base-commit --base <base>`: its own run, then base and head
 *      alternately in ABBA pairs on this machine, each arm one trial on a fresh server, in planned looks.
 * The gate's threshold is `p95: +10%`. Its exit code is the verdict (1 = fail).
 * The naive rule is what most gates do: this run's p95 against the one stored baseline's p95, fail above +20%.
 *
 * Targets (issue 5): 20 unchanged runs: no failure; 10 runs at +30%: at least 9 failures; on unchanged code
 * the confirmation stops at its first look. Absolute times depend on the machine; counts are the point.
 * Smaller runs for a quick look: AA_RUNS=3 SLOW_RUNS=2 node --import tsx bench/verdict-live.ts
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { GateReport } from '../src/report/report-model.js'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'dist', 'cli.js')
const AA_RUNS = Number(process.env.AA_RUNS ?? 20)
const SLOW_RUNS = Number(process.env.SLOW_RUNS ?? 10)
const SLOW_FACTOR = 1.3
const NAIVE_LIMIT = 1.2

interface Replication {
  exitCode: number
  gate: string
  naiveRatio: number
  pairs: number
  looks: number
  seconds: number
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

function runCli(cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', CI: '' } })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('close', (code) => done({ code: code ?? -1, output }))
  })
}

/** The scratch repository: base, unchanged head and slow head commits. */
async function makeRepository(port: number): Promise<{ dir: string; base: string; same: string; slow: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'perf-gate-live-'))
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.email', 'bench@example.invalid')
  git(dir, 'config', 'user.name', 'bench')
  await mkdir(join(dir, '.github'))
  const config = [
    'name: live',
    'load:',
    `  base-url: http://127.0.0.1:${port}`,
    '  server:',
    `    start: '"${process.execPath}" "${CLI}" demo-server --port ${port} --latency-ms 10 --factor "$(cat factor.txt)"'`,
    '    ready-url: /health',
    '  scenarios:',
    '    - name: demo',
    '      endpoints:',
    '        - path: /fast',
    '      connections: 5',
    '      duration: 1s',
    '      warmup: 500ms',
    '      trials: 3',
    'thresholds:',
    '  p95: +10%',
    ''
  ].join('\n')
  await writeFile(join(dir, '.github', 'perf-gate.yml'), config)
  await writeFile(join(dir, '.gitignore'), '.perf-gate/\n')
  await writeFile(join(dir, 'factor.txt'), '1\n')
  await writeFile(join(dir, 'README.md'), 'demo service\n')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'base')
  const base = git(dir, 'rev-parse', 'HEAD')
  await writeFile(join(dir, 'README.md'), 'demo service, documented better\n')
  git(dir, 'commit', '-q', '-am', 'unchanged code')
  const same = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'checkout', '-q', base)
  await writeFile(join(dir, 'factor.txt'), `${SLOW_FACTOR}\n`)
  git(dir, 'commit', '-q', '-am', 'slower')
  const slow = git(dir, 'rev-parse', 'HEAD')
  return { dir, base, same, slow }
}

async function replicate(dir: string, base: string, head: string): Promise<Replication> {
  git(dir, 'checkout', '-q', base)
  const saved = await runCli(dir, ['baseline', 'promote', '--quiet'])
  if (saved.code !== 0) throw new Error(`saving the base run failed (exit ${saved.code}):\n${saved.output}`)
  git(dir, 'checkout', '-q', head)
  const reportPath = join(dir, '.perf-gate', 'report.json')
  const started = Date.now()
  const gated = await runCli(dir, ['run', '--compare-to', 'base-commit', '--base', base, '--json', reportPath, '--quiet'])
  const seconds = (Date.now() - started) / 1000
  if (gated.code > 1) throw new Error(`the gate could not run (exit ${gated.code}):\n${gated.output}`)
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as GateReport
  const p95 = report.metrics.find((m) => m.scenario === 'demo' && m.metric === 'p95')
  if (!p95?.baseline || !p95.current) throw new Error(`no p95 comparison in the report:\n${gated.output}`)
  if (process.env.VERBOSE) console.log(`  ${p95.reason}`)
  const note = report.notes.find((n) => /pairs in \d+ look/.test(n)) ?? ''
  const [, pairs = '0', looks = '0'] = /(\d+) pairs in (\d+) look/.exec(note) ?? []
  return {
    exitCode: gated.code,
    gate: p95.status,
    naiveRatio: p95.current.value / p95.baseline.value,
    pairs: Number(pairs),
    looks: Number(looks),
    seconds
  }
}

function line(label: string, runs: Replication[]): string {
  const fails = runs.filter((r) => r.exitCode === 1).length
  const naive = runs.filter((r) => r.naiveRatio > NAIVE_LIMIT).length
  const firstLook = runs.filter((r) => r.looks === 1).length
  const meanSeconds = runs.reduce((sum, r) => sum + r.seconds, 0) / Math.max(1, runs.length)
  const meanPairs = runs.reduce((sum, r) => sum + r.pairs, 0) / Math.max(1, runs.length)
  return (
    `${label.padEnd(26)} ${String(runs.length).padStart(4)}  ${`${fails}/${runs.length}`.padStart(9)}  ` +
    `${`${naive}/${runs.length}`.padStart(11)}  ${`${firstLook}/${runs.length}`.padStart(10)}  ${meanPairs.toFixed(1).padStart(10)}  ${meanSeconds.toFixed(0).padStart(12)} s`
  )
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)
  const port = await freePort()
  const repo = await makeRepository(port)
  const results: Record<'same' | 'slow', Replication[]> = { same: [], slow: [] }
  try {
    // Interleaved, so a slow spell of the machine hits both kinds of run alike.
    const plan: Array<'same' | 'slow'> = []
    for (let i = 0; i < AA_RUNS; i++) {
      plan.push('same')
      if (i % 2 === 1 && plan.filter((k) => k === 'slow').length < SLOW_RUNS) plan.push('slow')
    }
    while (plan.filter((k) => k === 'slow').length < SLOW_RUNS) plan.push('slow')
    for (const kind of plan) {
      const r = await replicate(repo.dir, repo.base, kind === 'same' ? repo.same : repo.slow)
      results[kind].push(r)
      console.log(
        `${kind === 'same' ? 'unchanged' : `+${Math.round((SLOW_FACTOR - 1) * 100)}% latency`} #${results[kind].length}: gate ${r.gate} (exit ${r.exitCode}), ` +
          `${r.pairs} pairs in ${r.looks} look(s), ${r.seconds.toFixed(0)} s; naive p95 ratio ${r.naiveRatio.toFixed(3)}`
      )
    }
  } finally {
    await rm(repo.dir, { recursive: true, force: true })
  }
  console.log('\nThreshold p95 +10% for the gate; the naive rule fails one run against one stored run above +20% on p95.')
  console.log(
    `${'runs'.padEnd(26)} ${'n'.padStart(4)}  ${'gate fail'.padStart(9)}  ${'naive fail'.padStart(11)}  ${'first look'.padStart(10)}  ${'mean pairs'.padStart(10)}  ${'time/verdict'.padStart(14)}`
  )
  console.log(line('unchanged (A/A)', results.same))
  console.log(line(`+${Math.round((SLOW_FACTOR - 1) * 100)}% latency`, results.slow))
  const falseFails = results.same.filter((r) => r.exitCode === 1).length
  const caught = results.slow.filter((r) => r.exitCode === 1).length
  const stoppedFirst = results.same.filter((r) => r.looks === 1).length
  const ok = falseFails === 0 && caught >= Math.ceil(0.9 * results.slow.length) && stoppedFirst >= Math.ceil(0.9 * results.same.length)
  console.log(
    `\nTargets: no A/A failure (${falseFails}), ≥ 90% of +30% caught (${caught}/${results.slow.length}), ` +
      `A/A confirmation stops at its first look in ≥ 90% (${stoppedFirst}/${results.same.length}): ${ok ? 'met' : 'NOT met'}`
  )
  process.exitCode = ok ? 0 : 1
}

await main()
