// Entry of the bundled CLI (dist/cli.js): all logic lives in cli.ts so tests can drive it.
import { runCli } from './cli.js'

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env
})
