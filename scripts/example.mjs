// The README's first command: runs the gate on the embedded example in a scratch directory.
// 1. run the example suite and save it as the baseline; 2. run it again 60% slower and show the regression.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const cli = resolve('dist/cli.js')
const work = mkdtempSync(join(tmpdir(), 'perf-gate-example-'))
cpSync(resolve('examples/quickstart'), work, { recursive: true })

function step(title, args, env = {}) {
  console.log(`\n$ ${env.SLOWDOWN ? `SLOWDOWN=${env.SLOWDOWN} ` : ''}perf-gate ${args.join(' ')}    # ${title}`)
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, stdio: 'inherit', env: { ...process.env, ...env } })
  console.log(`(exit code ${result.status})`)
  return result.status
}

try {
  step('measure and save a baseline', ['run', '--config', 'perf-gate.yml', '--save-baseline', '--quiet'])
  const exitCode = step('the same code, 60% more work: a regression', ['run', '--config', 'perf-gate.yml', '--quiet'], { SLOWDOWN: '1.6' })
  console.log(exitCode === 1 ? '\nperf-gate caught the regression (exit 1).' : `\nunexpected exit code ${exitCode}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
