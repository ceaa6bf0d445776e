/**
 * The JSON written when a run could not reach a verdict (a suite crashed or timed out, a server died, bad
 * configuration): a later step or an agent reading `--json` still gets a document, with the error and whatever
 * was measured before it, instead of a missing file.
 */
import { exitCodeOf, measuredBefore, messageOf } from '../errors.js'
import { REPORT_SCHEMA_VERSION } from './report-model.js'
import { summarizeScenarios, type ScenarioSummary } from './scenario-summary.js'

export interface FailureReport {
  schemaVersion: number
  gate: string
  verdict: 'error'
  generatedAt: string
  hasRegressions: false
  error: { message: string; exitCode: number; kind: 'configuration error' | 'run failed' | 'cancelled' }
  /** Scenarios measured before the failure (earlier suites), if any. */
  scenarios: ScenarioSummary[]
}

export function buildFailureReport(gate: string, error: unknown, now: Date, cancelled = false): FailureReport {
  const exitCode = exitCodeOf(error)
  const measured = measuredBefore(error)
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    gate,
    verdict: 'error',
    generatedAt: now.toISOString(),
    hasRegressions: false,
    error: { message: messageOf(error), exitCode, kind: cancelled ? 'cancelled' : exitCode === 3 ? 'configuration error' : 'run failed' },
    scenarios: measured ? summarizeScenarios(measured) : []
  }
}
