// The README's first command: the load gate on the built-in demo server, in a scratch directory.
// 1. start the demo server (the config's `start`), load it, save the results as the baseline;
// 2. run again with the server 1.5 times slower (PERF_GATE_DEMO_FACTOR) and show the regression table (exit 1).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const cli = resolve(process.env.PERF_GATE_CLI || 'dist/cli.js')
if (!existsSync(cli)) {
  console.error(`${cli} does not exist: run npm run build first`)
  process.exit(2)
}
const work = mkdtempSync(join(tmpdir(), 'perf-gate-example-'))
cpSync(resolve('examples/quickstart'), work, { recursive: true })

function step(title, args, env = {}) {
  const prefix = Object.entries(env)
    .map(([key, value]) => `${key}=${value} `)
    .join('')
  console.log(`\n$ ${prefix}perf-gate ${args.join(' ')}    # ${title}`)
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, stdio: 'inherit', env: { ...process.env, PERF_GATE_CLI: cli, ...env } })
  console.log(`(exit code ${result.status})`)
  return result.status
}

try {
  const started = Date.now()
  const saved = step('start the demo server, load it, save a baseline', ['run', '--config', 'perf-gate.yml', '--save-baseline', '--quiet'])
  if (saved !== 0) process.exitCode = saved
  else {
    const exitCode = step('the same endpoints, 1.5 times slower: a regression', ['run', '--config', 'perf-gate.yml', '--quiet'], {
      PERF_GATE_DEMO_FACTOR: '1.5'
    })
    console.log(
      exitCode === 1 ? `\nperf-gate caught the regression (exit 1) in ${Math.round((Date.now() - started) / 1000)} s.` : `\nunexpected exit code ${exitCode}`
    )
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
