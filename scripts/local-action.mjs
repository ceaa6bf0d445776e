// Runs the Action's source (src/main.ts) under GitHub's @github/local-action, the typescript-action template's local
// runner, against the tiny example in examples/local-action: a hyperfine results file gated against a baseline
// committed in the example's file store. Fails unless the run ends with a verdict output and a job summary.
// The file store, because local-action's stub of @actions/cache (it emulates 5.0.3; we use 6.x) has no
// isFeatureAvailable(): with `baseline-store: cache` the run reports "the Actions cache could not be read:
// cache.isFeatureAvailable is not a function" and ends no-baseline. Its core stub still writes `::set-output`.
// Usage: npm run local-action
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const scratch = mkdtempSync(join(tmpdir(), 'perf-gate-local-action-'))
try {
  const summary = join(scratch, 'summary.md')
  writeFileSync(summary, '')
  const env = {
    GITHUB_WORKSPACE: root,
    RUNNER_TEMP: scratch,
    GITHUB_STEP_SUMMARY: summary,
    'INPUT_WORKING-DIRECTORY': 'examples/local-action',
    INPUT_NAME: 'local-action',
    INPUT_RESULTS: 'results.json',
    INPUT_FORMAT: 'hyperfine',
    INPUT_THRESHOLDS: 'time: +50%',
    'INPUT_BASELINE-STORE': 'file',
    'INPUT_BASELINE-DIR': 'baselines',
    'INPUT_SAVE-BASELINE': 'never',
    INPUT_COMMENT: 'never'
  }
  const envFile = join(scratch, '.env')
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
      .join('')
  )
  const run = spawnSync(join(root, 'node_modules', '.bin', 'local-action'), ['run', root, 'src/main.ts', envFile], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 300_000
  })
  process.stdout.write(run.stdout ?? '')
  process.stderr.write(run.stderr ?? '')
  const verdict = /│\s*\d+\s*│\s*'verdict'\s*│\s*'([a-z-]+)'/.exec(run.stdout ?? '')?.[1]
  if (run.status !== 0 || !verdict) {
    console.error(`local-action: no verdict output (exit ${run.status ?? run.signal}); see the log above`)
    process.exit(1)
  }
  const summaryText = readFileSync(summary, 'utf8')
  if (!summaryText.includes('perf-gate')) {
    console.error('local-action: the job summary was not written (the core.summary stub?)')
    process.exit(1)
  }
  console.log(`local-action: the Action ran from src/main.ts; verdict ${verdict}; job summary ${summaryText.length} characters`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
