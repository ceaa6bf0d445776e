/**
 * Failures that end a gate run, each with the exit code it maps to.
 * Regressions are not errors: they are verdicts (exit 1).
 */
import type { Results } from './results/model.js'

/** Bad configuration or input: a file, field or flag the user must fix (exit 3). */
export class InputError extends Error {
  override readonly name = 'InputError'
  readonly exitCode = 3
}

/** The run itself failed: the suite crashed, timed out, or the server died (exit 2). */
export class RunError extends Error {
  override readonly name = 'RunError'
  readonly exitCode = 2
}

export const EXIT_PASS = 0
export const EXIT_REGRESSION = 1
export const EXIT_RUN_FAILED = 2
export const EXIT_BAD_INPUT = 3

/** Exit code for anything thrown out of the pipeline: unknown errors count as run failures. */
export function exitCodeOf(error: unknown): number {
  return error instanceof InputError ? EXIT_BAD_INPUT : EXIT_RUN_FAILED
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The HTTP status an API error carries (Octokit's RequestError and the like); undefined when it has none. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null | undefined)?.status
  return typeof status === 'number' ? status : undefined
}

/**
 * True when GitHub refused for its rate limit: a 429, a 403 that says so, or, without an HTTP status (a toolkit's
 * logged failure line), a message that says so.
 */
export function isRateLimited(error: unknown): boolean {
  const status = statusOf(error)
  const message = messageOf(error)
  if (status === undefined) return /rate limit|\b429\b/i.test(message)
  return status === 429 || (status === 403 && /rate limit/i.test(message))
}

/** What a failed run had measured before it failed (earlier suites' scenarios), for the failure's JSON report. */
const MEASURED = Symbol('perf-gate measured before failing')

/** Attaches the results measured before `error` (kept on the error object; the message is unchanged). */
export function attachMeasured<T>(error: T, measured: Results | undefined): T {
  if (measured && measured.scenarios.length > 0 && typeof error === 'object' && error !== null) (error as Record<symbol, unknown>)[MEASURED] = measured
  return error
}

export function measuredBefore(error: unknown): Results | undefined {
  return typeof error === 'object' && error !== null ? ((error as Record<symbol, unknown>)[MEASURED] as Results | undefined) : undefined
}
