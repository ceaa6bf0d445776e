/**
 * Failures that end a gate run, each with the exit code it maps to.
 * Regressions are not errors: they are verdicts (exit 1).
 */

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
