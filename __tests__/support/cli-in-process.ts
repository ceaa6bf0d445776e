/** The CLI run in this process from src/ (no bundle, no spawn): for tests of CLI behaviour that need no dist/. */
import { PassThrough } from 'node:stream'
import { runCli } from '../../src/cli.js'

export interface CliOutcome {
  code: number
  stdout: string
  stderr: string
}

/** Runs `perf-gate <args>` in `cwd` with only NO_COLOR, PATH and `env` in its environment. */
export async function runCliInProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliOutcome> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const code = await runCli(args, { stdout, stderr, cwd, env: { NO_COLOR: '1', PATH: process.env.PATH, ...env } })
  return { code, stdout: out, stderr: err }
}
