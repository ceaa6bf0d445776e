/**
 * `html-report: true`: the HTML report is written beside the JSON report and uploaded as artifact
 * perf-gate-html-<name>, so that a reviewer can download one page from the run and open it offline. A failed upload
 * is a warning: the verdict, the summary and the comment stand without it.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { messageOf } from '../errors.js'
import type { Logger } from '../log.js'
import { renderHtmlReport } from '../report/html/render-html.js'
import type { GateReport } from '../report/report-model.js'
import { uploadReportArtifact } from './report-artifact-store.js'

export interface PublishedHtmlReport {
  path: string
  artifact: string
  /** The artifact's page, when the upload worked and the run's URL is known. */
  url?: string
}

export async function publishHtmlReport(name: string, report: GateReport, dir: string, runUrl: string | undefined, log: Logger): Promise<PublishedHtmlReport> {
  const path = join(dir, `${name}-report.html`)
  await writeFile(path, renderHtmlReport(report))
  const artifact = `perf-gate-html-${name}`
  try {
    const id = await uploadReportArtifact(artifact, path)
    return { path, artifact, ...(runUrl && id !== undefined ? { url: `${runUrl}/artifacts/${id}` } : {}) }
  } catch (error) {
    log.warn(`The HTML report was written to ${path} but not uploaded: ${messageOf(error)}`)
    return { path, artifact }
  }
}

/** The summary's line about the HTML report. */
export function htmlReportLine(published: PublishedHtmlReport): string {
  return published.url
    ? `📊 [HTML report](${published.url}) (artifact \`${published.artifact}\`): the latency distributions, trials and history behind these verdicts.`
    : `📊 HTML report written to \`${published.path}\` (not uploaded: see the log).`
}
