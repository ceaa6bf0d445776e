/**
 * The two halves of a sharded gate:
 * - shard: run this shard's share (its suites, or every load scenario at 1/N of the load), upload it; no verdict.
 * - aggregate: collect every shard's upload of this workflow run, check the set, merge it exactly; the gate then
 *   judges, reports and saves the merged results as if one runner had measured them.
 * Transport is a small interface; the Action uses workflow artifacts of the current run.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RunSource } from '../config/settings.js'
import { InputError } from '../errors.js'
import type { RunContext } from '../context.js'
import type { Logger } from '../log.js'
import type { Results } from '../results/model.js'
import { formatShard, assignToShard, type ShardSpec } from './shard-spec.js'
import {
  SHARD_SCHEMA_VERSION,
  checkShardSet,
  isShardUploadOf,
  loadWindowNotes,
  mergeShardResults,
  parseShardReport,
  shardArtifactName,
  type ShardReport
} from './merge-shards.js'

/** Moves shard uploads between the matrix jobs and the aggregate job. */
export interface ShardTransport {
  /** Uploads one file under a name unique to this job. */
  upload(name: string, file: string): Promise<void>
  /** Names of this workflow run's uploads that start with `prefix` (cheap: nothing is downloaded). */
  list(prefix: string): Promise<string[]>
  /**
   * Every upload of this workflow run whose name starts with `prefix` and passes `accept`, with its text; the
   * others are not downloaded.
   */
  downloadAll(prefix: string, accept: (name: string) => boolean): Promise<Array<{ name: string; text: string }>>
}

/**
 * This shard's share of the run source. Suites are dealt to shards by a stable assignment (sorted names, round
 * robin); a load source is split by `splitLoad`, which divides its rate or connections.
 */
export function shardShare(
  source: RunSource,
  shard: ShardSpec,
  splitLoad?: (source: RunSource, shard: ShardSpec) => RunSource | undefined
): { source: RunSource; split: ShardReport['split'] } {
  if (source.kind === 'suites') {
    if (source.load) {
      throw new InputError(
        `shard ${formatShard(shard)}: this gate runs suites and load together, which shard mode cannot split yet; shard a gate of suites alone or of load alone`
      )
    }
    if (source.suites.length < shard.total) {
      throw new InputError(
        `shard ${formatShard(shard)}: there are ${source.suites.length} suite(s) to split over ${shard.total} shards; use at most ${source.suites.length} shards, or split a load scenario instead`
      )
    }
    return { source: { kind: 'suites', suites: assignToShard(source.suites, (suite) => suite.name, shard) }, split: 'scenarios' }
  }
  const load = splitLoad?.(source, shard)
  if (load) return { source: load, split: 'load' }
  throw new InputError(`shard mode needs suites or a load scenario to split; a results file cannot be sharded`)
}

/** The prefix of every upload of this gate's shards. */
export function shardPrefix(gate: string): string {
  return `perf-gate-shard-${gate}-`
}

/** Uploads this shard's results with who measured them. */
export async function uploadShard(
  gate: string,
  shard: ShardSpec,
  split: ShardReport['split'],
  results: Results,
  context: RunContext,
  transport: ShardTransport,
  workDir: string,
  log: Logger,
  timing: Pick<ShardReport, 'agreedStartAt'> = {}
): Promise<ShardReport> {
  const report: ShardReport = {
    schemaVersion: SHARD_SCHEMA_VERSION,
    gate,
    shard,
    split,
    ...timing,
    results,
    ...((results.git?.sha ?? context.sha) ? { sha: (results.git?.sha ?? context.sha)! } : {}),
    ...(context.runId ? { runId: context.runId } : {}),
    ...(context.runAttempt ? { runAttempt: context.runAttempt } : {})
  }
  // Unique per job and attempt, so two jobs claiming one shard both arrive and the aggregate can name the clash.
  const name = `${shardArtifactName(gate, shard)}-a${context.runAttempt ?? 1}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  await mkdir(workDir, { recursive: true })
  const file = join(workDir, `${name}.json`)
  await writeFile(file, `${JSON.stringify(report)}\n`)
  await transport.upload(name, file)
  log.info(`Shard ${formatShard(shard)} uploaded its results as ${name} (${results.scenarios.length} scenario(s)).`)
  return report
}

/**
 * Downloads and checks every shard of this gate, keeping the newest attempt of each shard (a re-run of failed
 * jobs keeps the good shards of the earlier attempt), and merges them.
 */
export async function collectShards(
  gate: string,
  expected: { total?: number; sha?: string },
  transport: ShardTransport,
  log: Logger
): Promise<{ results: Results; notes: string[]; reports: ShardReport[] }> {
  // The prefix of gate "api" also matches gate "api-2"'s uploads: only this gate's are downloaded.
  const uploads = await transport.downloadAll(shardPrefix(gate), (name) => isShardUploadOf(gate, name))
  const reports = uploads.map((upload) => parseShardReport(upload.text, `shard upload ${upload.name}`))
  const newestAttempt = new Map<number, number>()
  for (const report of reports) newestAttempt.set(report.shard.index, Math.max(newestAttempt.get(report.shard.index) ?? 0, report.runAttempt ?? 1))
  const current = reports.filter((report) => (report.runAttempt ?? 1) === newestAttempt.get(report.shard.index))
  if (current.length < reports.length) log.info(`Ignored ${reports.length - current.length} shard upload(s) of earlier attempts, replaced by re-runs.`)
  const notes = checkShardSet(current, { gate, ...expected })
  const timingNotes = loadWindowNotes(current)
  for (const note of timingNotes) log.warn(note)
  const results = mergeShardResults(current)
  const total = current[0]!.shard.total
  log.info(`Merged ${total} shard(s) of gate "${gate}": ${results.scenarios.length} scenario(s).`)
  const agreedStart = current.find((report) => report.agreedStartAt)?.agreedStartAt
  const how =
    current[0]!.split === 'load'
      ? `load histograms added, rates summed${agreedStart ? `; the load started together at ${agreedStart}` : ''}`
      : 'each scenario from one shard'
  notes.unshift(`Measured by ${total} shards of a job matrix and merged exactly (${how}).`)
  notes.push(...timingNotes)
  return { results, notes, reports: current }
}
