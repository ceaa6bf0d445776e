/**
 * The fork-safe two-workflow mode. The `pull_request` run (read-only token on forks) uploads its report as the
 * artifact `perf-gate-report-<name>`; a `workflow_run` workflow on the default branch (write token, no PR code)
 * runs perf-gate with `mode: comment`: it downloads that artifact, treats it as untrusted data (size limit, schema,
 * PR number checked against the run's head SHA), re-renders the Markdown from the validated model, and posts the
 * sticky comment.
 */
import { InputError, RunError, messageOf } from '../errors.js'
import type { RunContext } from '../context.js'
import type { Logger } from '../log.js'
import type { GateReport } from '../report/report-model.js'
import { foreignReportProblems } from '../schemas.js'
import { escapeMarkdown } from '../report/escape.js'
import { logOutcome, reportCommentRequest } from './publish-comment.js'
import { syncComment, type CommentClient, type CommentMode } from './pr-comment.js'

const REPORT_ARTIFACT_KIND = 'perf-gate-pr-report'
/** A report artifact bigger than this is refused before parsing (a 5,000-row report is about 3 MB). */
export const MAX_REPORT_ARTIFACT_BYTES = 16 * 1024 * 1024
/** More metrics than this is not a report perf-gate wrote. */
const MAX_METRICS = 50_000

/** What the pull_request run uploads: the report plus the PR it belongs to. */
export interface ReportArtifact {
  kind: typeof REPORT_ARTIFACT_KIND
  schemaVersion: 1
  pullRequest: { number: number; headSha: string }
  report: GateReport
}

const REPORT_ARTIFACT_PREFIX = 'perf-gate-report-'
/** What a gate name may be (as checked when settings are read); a report from an artifact must hold one. */
const GATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** The artifact name for gate `name` (artifact names may not hold " : < > | * ? \ / or line breaks). */
export function reportArtifactName(name: string): string {
  return `${REPORT_ARTIFACT_PREFIX}${name.replace(/[":<>|*?\\/\r\n]/g, '_')}`
}

/** The artifact body for a pull request run; undefined outside pull requests (nothing to comment on). */
export function buildReportArtifact(report: GateReport, context: RunContext): ReportArtifact | undefined {
  const pr = context.pullRequest
  if (!pr?.headSha) return undefined
  return { kind: REPORT_ARTIFACT_KIND, schemaVersion: 1, pullRequest: { number: pr.number, headSha: pr.headSha }, report }
}

/**
 * Parses and validates an artifact from another workflow. Throws RunError naming what is wrong. Without
 * `expectedGate` (input 'name' empty) the gate is the report's own, which must then be a valid gate name.
 */
export function parseReportArtifact(text: string, expectedGate: string | undefined, source: string): ReportArtifact {
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_REPORT_ARTIFACT_BYTES)
    throw new RunError(`${source} is ${bytes} bytes, more than the ${MAX_REPORT_ARTIFACT_BYTES} a report can be; refusing it`)
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new RunError(`${source} is not JSON: ${messageOf(error)}`)
  }
  const envelope = data as Partial<ReportArtifact> | null
  if (!envelope || typeof envelope !== 'object' || envelope.kind !== REPORT_ARTIFACT_KIND || envelope.schemaVersion !== 1) {
    throw new RunError(`${source} is not a perf-gate report artifact (expected kind "${REPORT_ARTIFACT_KIND}", schemaVersion 1)`)
  }
  const extra = Object.keys(envelope).filter((key) => !['kind', 'schemaVersion', 'pullRequest', 'report'].includes(key))
  if (extra.length > 0) throw new RunError(`${source}: unknown key "${extra[0]}"`)
  const pr = envelope.pullRequest
  if (!pr || !Number.isSafeInteger(pr.number) || pr.number < 1 || typeof pr.headSha !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(pr.headSha)) {
    throw new RunError(`${source}: /pullRequest must hold a PR number ≥ 1 and a 40-hex headSha, got ${JSON.stringify(pr)?.slice(0, 120)}`)
  }
  const problems = foreignReportProblems(envelope.report)
  if (problems.length > 0)
    throw new RunError(
      `${source}: /report does not match schemas/report.schema.json: ${problems
        .map((p) => p.message)
        .slice(0, 5)
        .join('; ')}`
    )
  const report = envelope.report as GateReport
  if (report.metrics.length > MAX_METRICS) throw new RunError(`${source}: ${report.metrics.length} metrics is more than ${MAX_METRICS}; refusing it`)
  if (expectedGate !== undefined && report.gate !== expectedGate)
    throw new RunError(`${source} is the report of gate "${report.gate.slice(0, 80)}", not "${expectedGate}"`)
  if (!GATE_NAME.test(report.gate))
    throw new RunError(`${source}: /report/gate ${JSON.stringify(report.gate.slice(0, 80))} is not a gate name perf-gate writes; refusing it`)
  return envelope as ReportArtifact
}

/**
 * The parts of an untrusted report that the renderer would trust, made safe. Links come from this workflow: a
 * tampered report could point "Workflow run" or the commit links anywhere, so the run link becomes the triggering
 * run and a baseline run link survives only inside this repository. Notes are rendered as Markdown for perf-gate's
 * own sentences; from an artifact they are escaped like any name.
 */
function sanitizeUntrustedReport(report: GateReport, repositoryUrl: string, runId: number): GateReport {
  const trusted: GateReport = {
    ...report,
    notes: report.notes.map((note) => escapeMarkdown(note, 1000)),
    links: { repositoryUrl, runUrl: `${repositoryUrl}/actions/runs/${runId}` }
  }
  if (report.baselineAbsence?.advice) trusted.baselineAbsence = { ...report.baselineAbsence, advice: escapeMarkdown(report.baselineAbsence.advice, 1000) }
  if (report.baseline) {
    const { runUrl, ...baseline } = report.baseline
    trusted.baseline = runUrl?.startsWith(`${repositoryUrl}/actions/runs/`) ? { ...baseline, runUrl } : baseline
  }
  return trusted
}

/** An artifact of another workflow run, as its listing names it. */
export interface ListedReportArtifact {
  id: number
  name: string
}

/** Lists the artifacts of another workflow run and downloads one of them. */
export interface ReportArtifactSource {
  /** The run's artifacts: of several with one name (re-run attempts), the newest. */
  list(workflowRunId: number): Promise<ListedReportArtifact[]>
  /** The text of the artifact's one JSON file; throws RunError when it cannot be had. */
  download(artifact: ListedReportArtifact, workflowRunId: number): Promise<string>
}

/** The head of a pull request, from the API: its commit, branch and repository (owner/name). */
export interface PullRequestHead {
  sha: string
  branch?: string
  repository?: string
}

export interface PullRequestLookup {
  pullRequestHead(number: number): Promise<PullRequestHead>
}

/** The fields of the `workflow_run` event payload this mode reads. */
interface WorkflowRunPayload {
  workflow_run?: {
    id?: number
    event?: string
    head_sha?: string
    head_branch?: string
    head_repository?: { full_name?: string }
    pull_requests?: Array<{ number?: number; head?: { sha?: string } }>
  }
}

export interface CommentModeInput {
  /** The gate (input 'name'); undefined: the one gate whose report the triggering run uploaded. */
  name?: string
  payload: unknown
  mode: CommentMode
  author?: string
  source: ReportArtifactSource
  client: CommentClient & PullRequestLookup
  /** This repository's web URL (e.g. https://github.com/octo/shop): links in the comment are rebuilt from it. */
  repositoryUrl: string
  log: Logger
}

export interface CommentModeResult {
  report?: GateReport
  pullRequest?: number
  commentUrl?: string
}

/** Runs `mode: comment`. Throws RunError for a tampered or mismatched artifact; skips quietly when there is none. */
export async function runCommentMode(input: CommentModeInput): Promise<CommentModeResult> {
  const run = (input.payload as WorkflowRunPayload | null)?.workflow_run
  if (!run || typeof run.id !== 'number' || typeof run.head_sha !== 'string') {
    throw new RunError('mode comment runs in a workflow triggered by workflow_run (the event payload has no workflow_run with id and head_sha)')
  }
  if (run.event && run.event !== 'pull_request') {
    input.log.info(`perf-gate: the triggering run was a ${run.event} event, not pull_request; nothing to comment on`)
    return {}
  }
  const found = await findReportArtifact(input, run.id)
  if (!found) return {}
  const { artifactName, text } = found
  const artifact = parseReportArtifact(text, input.name, `artifact ${artifactName} of run ${run.id}`)
  // Named after the artifact, the gate must be the report's own: a report of another gate under this name is refused.
  const name = artifact.report.gate
  if (reportArtifactName(name) !== artifactName) {
    throw new RunError(
      `artifact ${artifactName} of run ${run.id} holds the report of gate "${name}", whose artifact would be ${reportArtifactName(name)}; refusing it`
    )
  }
  if (!input.name) input.log.info(`perf-gate: commenting for gate "${name}", the report run ${run.id} uploaded (input 'name' is empty)`)
  const number = artifact.pullRequest.number
  if (artifact.pullRequest.headSha !== run.head_sha) {
    throw new RunError(
      `artifact ${artifactName} claims head ${artifact.pullRequest.headSha.slice(0, 12)} but run ${run.id} built ${run.head_sha.slice(0, 12)}; refusing it`
    )
  }
  // For same-repository PRs the payload lists the PR; for forks it is empty, so the API has the last word.
  const listed = (run.pull_requests ?? []).filter((pr) => typeof pr.number === 'number')
  if (listed.length > 0 && !listed.some((pr) => pr.number === number)) {
    throw new RunError(
      `artifact ${artifactName} names PR #${number}, but run ${run.id} belongs to ${listed.map((pr) => `#${pr.number}`).join(', ')}; refusing it`
    )
  }
  let head: PullRequestHead
  try {
    head = await input.client.pullRequestHead(number)
  } catch (error) {
    throw new RunError(`cannot read pull request #${number} to check the artifact: ${messageOf(error)}`)
  }
  if (head.sha !== run.head_sha) {
    const runBranch = `${run.head_repository?.full_name ?? '?'}:${run.head_branch ?? '?'}`
    const prBranch = `${head.repository ?? '?'}:${head.branch ?? '?'}`
    // A newer push to the same branch superseded this run (its own workflow_run will comment): routine, no failure.
    if (run.head_branch && run.head_repository?.full_name && prBranch === runBranch) {
      input.log.warn(
        `perf-gate: pull request #${number} is at ${head.sha.slice(0, 12)}, not at ${run.head_sha.slice(0, 12)} which run ${run.id} built; a newer push superseded it; not commenting`
      )
      return { pullRequest: number }
    }
    // Otherwise the artifact names someone else's PR (a fork-style payload lists none to check against): refuse.
    throw new RunError(
      `artifact ${artifactName} names PR #${number}, whose head is ${prBranch} at ${head.sha.slice(0, 12)}, but run ${run.id} built ${runBranch} at ${run.head_sha.slice(0, 12)}; refusing it`
    )
  }
  const report = sanitizeUntrustedReport(artifact.report, input.repositoryUrl, run.id)
  const outcome = await syncComment(input.client, reportCommentRequest(report, name, number, input.mode, input.author))
  const commentUrl = logOutcome(outcome, `pull request #${number}`, input.log)
  return { report, pullRequest: number, ...(commentUrl ? { commentUrl } : {}) }
}

/**
 * The triggering run's report artifact: `perf-gate-report-<name>` for input 'name', else the run's only report
 * artifact. Undefined (with a warning) when the run uploaded none, which is routine: same-repository PRs comment
 * themselves. An input name that matches none of the reports the run did upload is a configuration error, and so
 * is an empty name when the run uploaded reports of several gates.
 */
async function findReportArtifact(input: CommentModeInput, runId: number): Promise<{ artifactName: string; text: string } | undefined> {
  const reports = (await input.source.list(runId))
    .filter((artifact) => artifact.name.startsWith(REPORT_ARTIFACT_PREFIX))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const names = reports.map((artifact) => artifact.name)
  const fetch = async (artifact: ListedReportArtifact) => ({ artifactName: artifact.name, text: await input.source.download(artifact, runId) })
  if (input.name) {
    const artifactName = reportArtifactName(input.name)
    const wanted = reports.find((artifact) => artifact.name === artifactName)
    if (wanted) return fetch(wanted)
    if (reports.length > 0) {
      const gates = names.map((name) => `"${name.slice(REPORT_ARTIFACT_PREFIX.length)}"`).join(', ')
      throw new InputError(
        `input 'name' is "${input.name}", but run ${runId} uploaded the report of gate ${gates} (${names.join(', ')}), not ${artifactName}: set 'name' to the gate of the pull_request workflow, or leave it empty to take it from the artifact`
      )
    }
    input.log.warn(`perf-gate: run ${runId} has no artifact ${artifactName}: did the gate run with upload-report (automatic on fork PRs) and the same name?`)
    return undefined
  }
  if (reports.length === 0) {
    input.log.warn(
      `perf-gate: run ${runId} has no perf-gate report artifact (${REPORT_ARTIFACT_PREFIX}<name>): did the gate run with upload-report (automatic on fork PRs)?`
    )
    return undefined
  }
  if (reports.length > 1) {
    throw new InputError(
      `run ${runId} uploaded the reports of ${reports.length} gates (${names.join(', ')}): set input 'name' to the gate this job comments for (one comment job per gate)`
    )
  }
  return fetch(reports[0]!)
}
