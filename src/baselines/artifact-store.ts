/**
 * Baselines as workflow artifacts (@actions/artifact): kept for the retention period (default 90 days) rather than
 * until 7 days unused, and readable from other workflows.
 *
 * A save uploads one artifact, `perf-gate-baseline-<gate>` (pinned: `perf-gate-baseline-<gate>@<name>`), holding
 * the record. A load lists the repository's artifacts of that name through the REST API (page by page: the newest
 * 100, or as many as the history holds if more), keeps those that have not expired and were made by a run on the
 * default branch of THIS repository (a fork's branch may also be called main: its run's head repository differs),
 * newest first, and downloads them with `findBy` (needs `actions: read`).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import { DEFAULT_HISTORY_LIMIT } from '../config/settings.js'
import { RunError, isRateLimited, messageOf, statusOf } from '../errors.js'
import { ArtifactContentError, readSingleJsonArtifact } from '../github/artifact-json.js'
import { readRecordFile, writeRecordFile } from './record-file.js'
import { createOctokit, type RepositoryRef } from '../github/octokit-client.js'
import { chooseBaseline, summarizeBaseline, validateBaselineText } from './select.js'
import {
  noteTrouble,
  type BaselineLookup,
  type BaselineQuery,
  type BaselineRecord,
  type BaselineStore,
  type BaselineSummary,
  type LookupTrouble,
  type SavedBaseline
} from './store.js'

const DEFAULT_ARTIFACT_RETENTION_DAYS = 90
/** Artifact downloads in flight at once during a load. */
const PARALLEL_DOWNLOADS = 4

/** The fields of GET /repos/{owner}/{repo}/actions/artifacts this store reads. */
export interface ListedArtifact {
  id: number
  name: string
  expired: boolean
  created_at: string | null
  workflow_run?: { id?: number; repository_id?: number; head_repository_id?: number; head_branch?: string | null; head_sha?: string } | null
}

/** The GitHub calls this store makes (injectable; the default is the toolkit). */
export interface ArtifactApi {
  /** This repository's artifacts named `name`, newest first, at most `atMost` of them (page by page). */
  list(name: string, atMost: number): Promise<ListedArtifact[]>
  /** Downloads (and unzips) artifact `id` of run `runId` into `path`. */
  download(id: number, runId: number, path: string): Promise<void>
  upload(name: string, file: string, rootDir: string, retentionDays: number): Promise<number>
}

export interface ArtifactStoreOptions {
  repository: RepositoryRef
  defaultBranch?: string
  token: string
  retentionDays?: number
  /** How many baselines `list` shows: the `history` setting (a load reads as many as its query asks). */
  historyLimit?: number
  api?: ArtifactApi
  /** Where GITHUB_API_URL is read for the listing (default: this process's environment). */
  env?: NodeJS.ProcessEnv
  /** Lines for the debug log (artifacts that expired or were deleted between listing and download). */
  debug?: (message: string) => void
}

/** The page size of the artifact listing (GitHub's largest). */
const ARTIFACT_LIST_PAGE = 100
/** The least a load lists: besides the newest `historyLimit`, the base commit's artifact may be further back. */
const ARTIFACT_LIST_MIN = 100

/** @actions/artifact for uploads and downloads, Octokit (GITHUB_API_URL) for listing other runs' artifacts. */
export function toolkitArtifactApi(repository: RepositoryRef, token: string, env: NodeJS.ProcessEnv = process.env): ArtifactApi {
  const client = new DefaultArtifactClient()
  const octokit = createOctokit(token, env)
  return {
    async list(name, atMost) {
      const listed: ListedArtifact[] = []
      for (let page = 1; listed.length < atMost; page++) {
        const { data } = await octokit.rest.actions.listArtifactsForRepo({ ...repository, name, per_page: ARTIFACT_LIST_PAGE, page })
        listed.push(...(data.artifacts as ListedArtifact[]))
        if (data.artifacts.length < ARTIFACT_LIST_PAGE) break
      }
      return listed.slice(0, atMost)
    },
    async download(id, runId, path) {
      await client.downloadArtifact(id, { path, findBy: { token, workflowRunId: runId, repositoryOwner: repository.owner, repositoryName: repository.repo } })
    },
    async upload(name, file, rootDir, retentionDays) {
      const uploaded = await client.uploadArtifact(name, [file], rootDir, { retentionDays })
      return uploaded.id ?? 0
    }
  }
}

export class ArtifactBaselineStore implements BaselineStore {
  readonly description = 'workflow artifacts'
  private readonly api: ArtifactApi
  private readonly retentionDays: number
  private readonly historyLimit: number

  constructor(private readonly options: ArtifactStoreOptions) {
    this.api = options.api ?? toolkitArtifactApi(options.repository, options.token, options.env)
    this.retentionDays = options.retentionDays ?? DEFAULT_ARTIFACT_RETENTION_DAYS
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT
  }

  async load(query: BaselineQuery): Promise<BaselineLookup> {
    const problems: string[] = []
    const trouble: LookupTrouble = {}
    const name = artifactNameOf(query.gate, query.name)
    let listed: ListedArtifact[]
    try {
      listed = await this.api.list(name, Math.max(query.historyLimit, ARTIFACT_LIST_MIN))
    } catch (error) {
      const failure = describeApiFailure(`listing the workflow artifacts named ${name}`, error)
      problems.push(failure.problem)
      noteTrouble(trouble, 'unreadable', failure.reason, failure.advice)
      return chooseBaseline([], query, this.description, problems, trouble)
    }
    const candidates = this.trusted(listed, query.name !== undefined, problems, trouble)
    // A PR is judged against the runs up to its base (see chooseBaseline): the base commit's artifacts and those made
    // before them; without one at the base, the newest ones. Either way, until the history is full.
    const limit = Math.max(1, query.historyLimit)
    const atBase = query.preferSha ? candidates.filter((artifact) => artifact.workflow_run?.head_sha === query.preferSha) : []
    const upToBase = atBase.length > 0 ? [...atBase, ...candidates.slice(candidates.indexOf(atBase[atBase.length - 1]!) + 1)] : candidates
    const wanted = query.name ? candidates.slice(0, 1) : upToBase.slice(0, limit)
    const records: BaselineRecord[] = []
    // A few downloads at a time (a history of 50 read one by one adds up to tens of seconds per job); what each
    // one reports is merged in the listing's order, so the report reads the same whatever finished first.
    for (let start = 0; start < wanted.length; start += PARALLEL_DOWNLOADS) {
      const fetched = await Promise.all(
        wanted.slice(start, start + PARALLEL_DOWNLOADS).map(async (artifact) => {
          const own = { problems: [] as string[], trouble: {} as LookupTrouble }
          return { record: await this.fetchRecord(artifact, own.problems, own.trouble), ...own }
        })
      )
      for (const one of fetched) {
        if (one.record) records.push(one.record)
        problems.push(...one.problems)
        for (const [kind, cause] of Object.entries(one.trouble)) noteTrouble(trouble, kind as keyof LookupTrouble, cause.reason, cause.advice)
      }
    }
    if (records.length === 0 && problems.length === 0 && wanted.length > 0) {
      // Every listed artifact was gone by the time it was downloaded (skipped with debug lines): none to read.
      const reason = `the baseline artifacts named ${name} expired or were deleted before they could be downloaded`
      problems.push(reason)
      noteTrouble(trouble, 'not-saved', reason, 'A push to the default branch saves a new one.')
    }
    return chooseBaseline(records, query, this.description, problems, trouble)
  }

  async save(record: BaselineRecord): Promise<SavedBaseline> {
    const name = artifactNameOf(record.gate, record.name)
    const dir = await mkdtemp(join(tmpdir(), 'perf-gate-baseline-'))
    try {
      const file = join(dir, 'baseline.json')
      await writeRecordFile(file, record)
      const id = await this.api.upload(name, file, dir, this.retentionDays)
      return { id: record.id, location: `workflow artifact ${name} (#${id}, kept ${this.retentionDays} days)` }
    } catch (error) {
      throw new RunError(`uploading the baseline as workflow artifact ${name} failed: ${messageOf(error)}`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async list(gate: string): Promise<BaselineSummary[]> {
    const lookup = await this.load({ gate, historyLimit: this.historyLimit })
    return lookup.history.map(summarizeBaseline)
  }

  /** Non-expired artifacts of this repository's own runs (on the default branch unless pinned), newest first. */
  private trusted(listed: ListedArtifact[], pinned: boolean, problems: string[], trouble: LookupTrouble): ListedArtifact[] {
    const branch = this.options.defaultBranch
    if (!pinned && !branch) {
      const reason = 'the default branch is unknown (no repository in the event payload), so no baseline artifact can be trusted'
      problems.push(reason)
      noteTrouble(
        trouble,
        'unreadable',
        reason,
        'Run the gate on an event whose payload names the repository (push, pull_request), or compare with a pinned baseline (`baseline:`).'
      )
      return []
    }
    const own = listed.filter((artifact) => {
      const run = artifact.workflow_run
      return (
        run?.id !== undefined && run.head_repository_id !== undefined && run.head_repository_id === run.repository_id && (pinned || run.head_branch === branch)
      )
    })
    const live = own.filter((artifact) => !artifact.expired)
    if (live.length === 0 && own.length > 0) {
      const reason = `every baseline artifact from ${pinned ? 'this repository' : `the ${branch} branch`} has expired (retention ${this.retentionDays} days)`
      problems.push(`${reason}; a push to ${branch ?? 'the default branch'} saves a new one`)
      noteTrouble(
        trouble,
        'not-saved',
        reason,
        `A push to ${branch ?? 'the default branch'} saves a new one; raise \`baseline-retention-days\` if pushes are further apart.`
      )
    }
    return live.sort((a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? '') || b.id - a.id)
  }

  private async fetchRecord(artifact: ListedArtifact, problems: string[], trouble: LookupTrouble): Promise<BaselineRecord | undefined> {
    const source = `artifact ${artifact.name} #${artifact.id} (run ${artifact.workflow_run!.id})`
    let text: string
    try {
      text = await readSingleJsonArtifact((path) => this.api.download(artifact.id, artifact.workflow_run!.id!, path), { label: source, read: readRecordFile })
    } catch (error) {
      if (error instanceof ArtifactContentError) {
        problems.push(`${error.message}; ignoring it`)
        noteTrouble(trouble, 'rejected', error.message, 'perf-gate ignores it; the next push to the default branch saves a fresh baseline.')
        return undefined
      }
      if (isGone(error)) {
        // Listed a moment ago, expired or deleted since: one history entry less, not a problem for the reader.
        this.options.debug?.(`Baseline (workflow artifacts): ${source} is gone (${messageOf(error)}); skipping it`)
        return undefined
      }
      const failure = describeApiFailure(`downloading ${source}`, error)
      problems.push(failure.problem)
      noteTrouble(trouble, 'unreadable', failure.reason, failure.advice)
      return undefined
    }
    return validateBaselineText(text, source, problems, trouble)
  }
}

/** The artifact name of a gate's rolling baseline, or of a pinned one. */
function artifactNameOf(gate: string, pinnedName?: string): string {
  return pinnedName ? `perf-gate-baseline-${gate}@${pinnedName}` : `perf-gate-baseline-${gate}`
}

/** An artifact that expired or was deleted after it was listed (410 Gone, or 404 once listing worked). */
function isGone(error: unknown): boolean {
  const status = statusOf(error)
  return status === 410 || status === 404 || /\b(410|404)\b|expired|not found/i.test(messageOf(error))
}

/** Says what failed (`reason`, for the report's headline; `problem`, the full line) and what to do about it. */
function describeApiFailure(what: string, error: unknown): { reason: string; problem: string; advice: string } {
  const status = statusOf(error)
  const message = messageOf(error)
  if (isRateLimited(error)) {
    const reason = `${what} hit the API rate limit (${message})`
    return { reason, problem: `${reason}; continuing without a stored baseline`, advice: 'Re-run the job once the rate limit resets.' }
  }
  if (status === 403 || status === 404) {
    const reason = `${what} was refused (${status}: ${message})`
    return {
      reason,
      problem: `${reason}: the workflow needs \`permissions: actions: read\` to read artifacts of other runs; continuing without a stored baseline`,
      advice: 'Add `permissions: actions: read` to the workflow (or the job): reading artifacts of other runs needs it.'
    }
  }
  const reason = `${what} failed (${message})`
  return { reason, problem: `${reason}; continuing without a stored baseline`, advice: 'The GitHub API failed; re-run the job once it answers again.' }
}
