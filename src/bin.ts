// Entry of the bundled CLI (dist/cli.js): all logic lives in cli.ts so tests can drive it.
import { runCli } from './cli.js'

// `perf-gate run | head`: the reader may close the pipe early. That is no failure of the run: stop writing quietly
// (the run goes on, saves what it should, and exits with its own code) instead of crashing with exit 1.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
})

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env
})
