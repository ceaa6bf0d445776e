/**
 * Report artifacts through @actions/artifact: the pull_request run uploads `perf-gate-report-<name>`; the
 * workflow_run run lists and downloads it from the triggering run (needs `actions: read` and the token).
 */
import { dirname } from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import { RunError, messageOf } from '../errors.js'
import { ArtifactContentError, readSingleJsonArtifact } from './artifact-json.js'
import { MAX_REPORT_ARTIFACT_BYTES, type ListedReportArtifact, type ReportArtifactSource } from './comment-mode.js'
import type { RepositoryRef } from './octokit-client.js'

/** Long enough for a slow review queue; the comment workflow runs minutes after the upload. */
const REPORT_RETENTION_DAYS = 7

/** Uploads one report file as the named artifact of this run; returns the artifact's id. */
export async function uploadReportArtifact(artifactName: string, file: string): Promise<number | undefined> {
  try {
    const { id } = await new DefaultArtifactClient().uploadArtifact(artifactName, [file], dirname(file), { retentionDays: REPORT_RETENTION_DAYS })
    return id
  } catch (error) {
    throw new RunError(`uploading the report as artifact ${artifactName} failed: ${messageOf(error)}`)
  }
}

export class ActionsReportArtifactSource implements ReportArtifactSource {
  private readonly client = new DefaultArtifactClient()

  constructor(
    private readonly token: string,
    private readonly repository: RepositoryRef
  ) {}

  async list(workflowRunId: number): Promise<ListedReportArtifact[]> {
    try {
      // latest: of several artifacts with one name (re-run attempts), the newest, as a lookup by name would find.
      const { artifacts } = await this.client.listArtifacts({ latest: true, findBy: this.findBy(workflowRunId) })
      return artifacts.map(({ id, name }) => ({ id, name }))
    } catch (error) {
      throw new RunError(`listing the artifacts of run ${workflowRunId} failed: ${messageOf(error)}`)
    }
  }

  async download(artifact: ListedReportArtifact, workflowRunId: number): Promise<string> {
    const findBy = this.findBy(workflowRunId)
    try {
      return await readSingleJsonArtifact((path) => this.client.downloadArtifact(artifact.id, { path, findBy }).then(() => undefined), {
        label: `artifact ${artifact.name}`,
        maxBytes: MAX_REPORT_ARTIFACT_BYTES
      })
    } catch (error) {
      if (error instanceof ArtifactContentError) throw new RunError(error.message)
      throw new RunError(`downloading artifact ${artifact.name} of run ${workflowRunId} failed: ${messageOf(error)}`)
    }
  }

  private findBy(workflowRunId: number) {
    return { token: this.token, workflowRunId, repositoryOwner: this.repository.owner, repositoryName: this.repository.repo }
  }
}
