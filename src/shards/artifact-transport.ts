/**
 * Shard uploads as workflow artifacts of the current run (@actions/artifact): the matrix jobs upload, the aggregate
 * job (which `needs:` them) lists and downloads. Artifacts of a run are visible to its later jobs without a token.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import { RunError, messageOf } from '../errors.js'
import type { ShardTransport } from './shard-mode.js'

/** Shard uploads are only needed until the aggregate job has run. */
const SHARD_RETENTION_DAYS = 1

export class ArtifactShardTransport implements ShardTransport {
  private readonly client = new DefaultArtifactClient()

  async upload(name: string, file: string): Promise<void> {
    try {
      await this.client.uploadArtifact(name, [file], dirname(file), { retentionDays: SHARD_RETENTION_DAYS })
    } catch (error) {
      throw new RunError(`uploading shard results as artifact ${name} failed: ${messageOf(error)}`)
    }
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listRun(prefix)).map((artifact) => artifact.name)
  }

  async downloadAll(prefix: string, accept: (name: string) => boolean): Promise<Array<{ name: string; text: string }>> {
    const artifacts = (await this.listRun(prefix)).filter((artifact) => accept(artifact.name))
    const downloads: Array<{ name: string; text: string }> = []
    const root = await mkdtemp(join(tmpdir(), 'perf-gate-shards-'))
    try {
      for (const artifact of artifacts) {
        const path = join(root, String(artifact.id))
        try {
          await this.client.downloadArtifact(artifact.id, { path })
        } catch (error) {
          throw new RunError(`downloading shard artifact ${artifact.name} failed: ${messageOf(error)}`)
        }
        const files = (await readdir(path)).filter((file) => file.endsWith('.json'))
        if (files.length !== 1) throw new RunError(`shard artifact ${artifact.name} should hold one JSON file, it holds ${files.length}`)
        downloads.push({ name: artifact.name, text: await readFile(join(path, files[0]!), 'utf8') })
      }
    } finally {
      await rm(root, { recursive: true, force: true })
    }
    return downloads
  }

  /** This run's artifacts (every attempt's) whose name starts with `prefix`. */
  private async listRun(prefix: string): Promise<Array<{ id: number; name: string }>> {
    try {
      const { artifacts } = await this.client.listArtifacts()
      return artifacts.filter((artifact) => artifact.name.startsWith(prefix))
    } catch (error) {
      throw new RunError(`listing this run's artifacts (${prefix}*) failed: ${messageOf(error)}`)
    }
  }
}
