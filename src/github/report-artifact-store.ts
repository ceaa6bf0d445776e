/**
 * Report artifacts through @actions/artifact: the pull_request run uploads `perf-gate-report-<name>`; the
 * workflow_run run downloads it from the triggering run (needs `actions: read` and the token).
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import { RunError, messageOf } from '../errors.js'
import { MAX_REPORT_ARTIFACT_BYTES, type ReportArtifactSource } from './comment-mode.js'
import type { RepositoryRef } from './octokit-client.js'

/** Long enough for a slow review queue; the comment workflow runs minutes after the upload. */
const REPORT_RETENTION_DAYS = 7

/** Uploads one report file as the named artifact of this run. */
export async function uploadReportArtifact(artifactName: string, file: string): Promise<void> {
  try {
    await new DefaultArtifactClient().uploadArtifact(artifactName, [file], dirname(file), { retentionDays: REPORT_RETENTION_DAYS })
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

  async list(workflowRunId: number): Promise<string[]> {
    try {
      const { artifacts } = await this.client.listArtifacts({ findBy: this.findBy(workflowRunId) })
      return artifacts.map((artifact) => artifact.name)
    } catch (error) {
      throw new RunError(`listing the artifacts of run ${workflowRunId} failed: ${messageOf(error)}`)
    }
  }

  private findBy(workflowRunId: number) {
    return { token: this.token, workflowRunId, repositoryOwner: this.repository.owner, repositoryName: this.repository.repo }
  }

  async download(artifactName: string, workflowRunId: number): Promise<string | undefined> {
    const findBy = this.findBy(workflowRunId)
    let id: number
    try {
      ;({ artifact: { id } } = await this.client.getArtifact(artifactName, { findBy }))
    } catch (error) {
      if (/not found|no artifact/i.test(messageOf(error))) return undefined
      throw new RunError(`looking up artifact ${artifactName} of run ${workflowRunId} failed: ${messageOf(error)}`)
    }
    const path = await mkdtemp(join(tmpdir(), 'perf-gate-report-'))
    try {
      try {
        await this.client.downloadArtifact(id, { path, findBy })
      } catch (error) {
        throw new RunError(`downloading artifact ${artifactName} of run ${workflowRunId} failed: ${messageOf(error)}`)
      }
      const files = (await readdir(path)).filter((file) => file.endsWith('.json'))
      if (files.length !== 1) throw new RunError(`artifact ${artifactName} should hold one JSON file, it holds ${files.length}`)
      const file = join(path, files[0]!)
      const { size } = await stat(file)
      if (size > MAX_REPORT_ARTIFACT_BYTES) throw new RunError(`artifact ${artifactName} holds ${size} bytes, more than a report can be; refusing it`)
      return await readFile(file, 'utf8')
    } finally {
      await rm(path, { recursive: true, force: true })
    }
  }
}
