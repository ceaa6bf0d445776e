/**
 * The gate's own cost as it grows (issue 21): parse the current results file, read the stored history, compare,
 * build the report, render every output (terminal, PR comment within its limit, job summary, JSON) and save the
 * baseline into the file store, for 10 / 1,000 / 10,000 / 100,000 scenarios × 5 trials with 1 and 20 stored
 * baselines. Each case runs in a fresh child process, so "above start-up" is the case's own time and peak RSS.
 *
 *   npm run bench:gate-scale            all cases (100,000 × 20 is skipped unless --full: ~1 GB of stored JSON)
 *   npm run bench:gate-scale -- --quick 10 / 1,000 / 10,000 only
 *
 * Targets: ≤ 3 s and ≤ 300 MB at 10,000 × 20 baselines; time per scenario flat within 1.5× from 1,000 to 100,000;
 * saving into a 20-deep store ≤ 2× saving into an empty one.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface CaseResult {
  scenarios: number
  stored: number
  totalMs: number
  parseMs: number
  gateMs: number
  renderMs: number
  /** Warm save into the `stored`-deep store / into an empty one (median of 3 each). */
  saveMs: number
  saveEmptyMs: number
  peakMb: number
}

const TRIALS = 5

function resultsDocument(scenarios: number, shift: number): string {
  const list = []
  for (let i = 0; i < scenarios; i++) {
    const trials = []
    for (let t = 0; t < TRIALS; t++) {
      const k = 1 + 0.01 * (t - 2) + shift
      trials.push({
        metrics: {
          p50: { value: +(5 * k).toFixed(4), unit: 'ms' },
          p95: { value: +(10 * k).toFixed(4), unit: 'ms' },
          rps: { value: +(900 / k).toFixed(2), unit: 'req/s' }
        }
      })
    }
    list.push({ name: `GET /items/${i}`, trials })
  }
  return JSON.stringify({ schemaVersion: 1, scenarios: list })
}

/** Setup, in its own process so that the measured one's peak memory is the gate's: the current file and `stored` baselines. */
async function seed(dir: string, scenarios: number, stored: number): Promise<void> {
  const { FileBaselineStore } = await import('../src/baselines/file-store.js')
  const { baselineRecord } = await import('../src/gate.js')
  const { parseResultsText } = await import('../src/formats/registry.js')
  writeFileSync(join(dir, 'current.json'), resultsDocument(scenarios, 0.002))
  const seedStore = new FileBaselineStore(join(dir, 'store'), 'store', 1000)
  for (let b = 0; b < stored; b++) {
    const results = parseResultsText(resultsDocument(scenarios, 0.001 * (b % 5)), 'perf-gate', 'seed')
    await seedStore.save(baselineRecord('scale', results, { ...CONTEXT, sha: `${b}`.padStart(40, '0') }, new Date(Date.UTC(2026, 0, 1, 0, b))))
  }
  mkdirSync(join(dir, 'empty'))
}

const CONTEXT = { event: 'local', sha: 'a'.repeat(40), ref: 'refs/heads/main', runner: 'local' } as const

async function runCase(dir: string, scenarios: number, stored: number): Promise<CaseResult> {
  const { FileBaselineStore } = await import('../src/baselines/file-store.js')
  const { baselineRecord, runGate } = await import('../src/gate.js')
  const { resolveSettings } = await import('../src/config/resolve-settings.js')
  const { parseResultsText } = await import('../src/formats/registry.js')
  const { MemoryLogger } = await import('../src/log.js')
  const { renderTerminalReport } = await import('../src/report/terminal.js')
  const { renderReportWithTrends, SUMMARY_LIMIT_BYTES } = await import('../src/report/markdown.js')
  {
    const storeDir = join(dir, 'store')
    const emptyDir = join(dir, 'empty')
    const context = CONTEXT
    global.gc?.()
    const startRss = process.memoryUsage().rss
    let peak = startRss
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)

    const started = performance.now()
    const settings = await resolveSettings({
      rootDir: dir,
      configExplicit: false,
      resultsPath: 'current.json',
      thresholdsText: 'p95: +10%\np50: +10%\nrps: -10%',
      defaultBaselineStore: 'file',
      baselineDir: 'store',
      failOnRegression: true
    })
    const store = new FileBaselineStore(storeDir, 'store')
    const parseStart = performance.now()
    parseResultsText((await import('node:fs')).readFileSync(join(dir, 'current.json'), 'utf8'), 'auto', 'current.json')
    const parseMs = performance.now() - parseStart
    const gateStart = performance.now()
    const outcome = await runGate(settings, { log: new MemoryLogger(), store, context, now: () => new Date(Date.UTC(2026, 1, 1)) }, { save: 'promote' })
    const gateMs = performance.now() - gateStart
    const renderStart = performance.now()
    renderTerminalReport(outcome.report, { color: false })
    renderReportWithTrends(outcome.report, { maxChars: 65536 - 40 })
    renderReportWithTrends(outcome.report, { maxBytes: SUMMARY_LIMIT_BYTES - 200 })
    JSON.stringify(outcome.report)
    const renderMs = performance.now() - renderStart
    const totalMs = performance.now() - started
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024)
    if (!outcome.saved) throw new Error(`the baseline was not saved: ${outcome.saveDecision.reason}`)

    // Save alone, warm: the median of 3 saves into this store (it stays `stored` deep: each save prunes the oldest)
    // against 3 saves into fresh empty stores, alternating; the reference for "save into a 20-deep store ≤ 2×".
    const deep: number[] = []
    const empty: number[] = []
    for (let i = 0; i < 3; i++) {
      const record = baselineRecord('scale', outcome.results, context, new Date(Date.UTC(2026, 1, 1, 0, i + 1)))
      let t = performance.now()
      await new FileBaselineStore(storeDir, 'store', Math.max(stored, 1)).save(record)
      deep.push(performance.now() - t)
      t = performance.now()
      await new FileBaselineStore(join(emptyDir, `${i}`), 'empty').save(record)
      empty.push(performance.now() - t)
    }
    const middle = (values: number[]): number => [...values].sort((a, b) => a - b)[1]!
    return { scenarios, stored, totalMs, parseMs, gateMs, renderMs, saveMs: middle(deep), saveEmptyMs: middle(empty), peakMb: (peak - startRss) / 2 ** 20 }
  }
}

function child(scenarios: number, stored: number): CaseResult {
  const dir = mkdtempSync(join(tmpdir(), 'gate-scale-'))
  const run = (mode: string): string =>
    execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', import.meta.filename, mode, `${scenarios},${stored}`, dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20
    })
  try {
    run('--seed')
    return JSON.parse(run('--case').trim().split('\n').pop()!) as CaseResult
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)

async function main(): Promise<void> {
  const mode = process.argv.findIndex((arg) => arg === '--case' || arg === '--seed')
  if (mode >= 0) {
    const [scenarios, stored] = process.argv[mode + 1]!.split(',').map(Number) as [number, number]
    const dir = process.argv[mode + 2]!
    if (process.argv[mode] === '--seed') await seed(dir, scenarios, stored)
    else console.log(JSON.stringify(await runCase(dir, scenarios, stored)))
    return
  }
  const quick = process.argv.includes('--quick')
  const full = process.argv.includes('--full')
  const sizes = quick ? [10, 1000, 10000] : [10, 1000, 10000, 100000]
  const rows: CaseResult[] = []
  console.log(
    'scenarios × 5 trials | stored | total (above start-up) | parse | gate (read+compare+report+save) | render all | warm save into this store | into an empty one | peak memory'
  )
  for (const scenarios of sizes) {
    for (const stored of [1, 20]) {
      if (scenarios === 100000 && stored === 20 && !full) {
        console.log(`${String(scenarios).padStart(7)} | ${String(stored).padStart(2)} | skipped (--full: 20 × 100,000-scenario baselines are ~1 GB of JSON)`)
        continue
      }
      const r = child(scenarios, stored)
      rows.push(r)
      console.log(
        `${String(scenarios).padStart(7)} | ${String(stored).padStart(2)} | ${fmt(r.totalMs).padStart(8)} | ${fmt(r.parseMs).padStart(7)} | ${fmt(r.gateMs).padStart(8)} | ${fmt(r.renderMs).padStart(7)} | ${fmt(r.saveMs).padStart(7)} | ${fmt(r.saveEmptyMs).padStart(7)} | ${r.peakMb.toFixed(0).padStart(5)} MB`
      )
    }
  }
  const find = (scenarios: number, stored: number) => rows.find((r) => r.scenarios === scenarios && r.stored === stored)
  const perScenario = (r: CaseResult) => r.totalMs / r.scenarios
  console.log('')
  const target = find(10000, 20)
  if (target) console.log(`10,000 × 20 stored: ${fmt(target.totalMs)} (target ≤ 3 s), ${target.peakMb.toFixed(0)} MB (target ≤ 300 MB)`)
  for (const stored of [1, 20]) {
    const base = find(1000, stored)
    if (!base) continue
    for (const n of [10000, 100000]) {
      const r = find(n, stored)
      if (r)
        console.log(
          `time per scenario, ${stored} stored: ${n.toLocaleString('en')} vs 1,000 = ${(perScenario(r) / perScenario(base)).toFixed(2)}× (target ≤ 1.5×)`
        )
    }
  }
  for (const r of rows.filter((row) => row.stored === 20 && row.scenarios >= 1000)) {
    console.log(`save into the 20-deep store vs an empty one at ${r.scenarios.toLocaleString('en')}: ${(r.saveMs / r.saveEmptyMs).toFixed(2)}× (target ≤ 2×)`)
  }
}

await main()
