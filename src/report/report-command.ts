/**
 * `perf-gate report <report.json>`: renders a JSON report written earlier (by `--json`, or the Action's `report-json`
 * output, or downloaded from its artifact) again: as an HTML page with the charts, or as Markdown. Nothing is
 * measured or compared again: the verdicts are the ones the report holds. (`--baseline <id>`, a stored run seen
 * again, is composed in cli.ts: it runs the gate over the stored results.)
 */
import { readFile } from 'node:fs/promises'
import { InputError } from '../errors.js'
import { schemaProblems } from '../schemas.js'
import type { GateReport } from './report-model.js'

export const REPORT_HELP = `Usage: perf-gate report <report.json> (--html <file> | --markdown <file>)
       perf-gate report --baseline <id|name|commit|latest> (--html <file> | --markdown <file> | --json <file>)

Renders a JSON report written by --json (or the Action's report-json output) again,
without measuring or comparing anything:
      --html <file>        one self-contained HTML page (works offline): the verdict
                           table, per scenario the latency distribution of both sides,
                           every trial as a dot with the estimate and interval, and the
                           history of each gated metric
      --markdown <file>    the Markdown table of the PR comment
Use - as the file for standard output.

With --baseline, the report is of a run the file store holds (an id from
'perf-gate baseline list', a pinned name, a commit, or latest): nothing is measured; the run
is judged against the runs saved before it with the gate's thresholds, as its push
was, and the history drawn is the history up to it.
  -c, --config <file>      config file for the gate's thresholds and history
  -n, --name <gate>        gate name (default: from the config, else "default")
  -t, --thresholds <rules> inline thresholds, repeatable, e.g. "p95: +20%"
      --baseline-dir <dir> file store directory (default .perf-gate in the current directory)`

/** Reads and checks a JSON report; bad input names the file and the first problems. */
export async function readGateReport(path: string, shown: string): Promise<GateReport> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(code === 'ENOENT' ? `report ${shown} does not exist` : `report ${shown} cannot be read: ${(error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new InputError(`report ${shown} is not JSON: ${(error as Error).message}`)
  }
  const failure = (data as { verdict?: unknown; error?: { message?: unknown } } | null)?.error
  if ((data as { verdict?: unknown } | null)?.verdict === 'error' && failure) {
    throw new InputError(`report ${shown} is the report of a run that failed (${String(failure.message)}): it holds no verdicts to render`)
  }
  const keys = data !== null && typeof data === 'object' ? Object.keys(data) : []
  if (keys.includes('scenarios') && !keys.includes('verdict')) {
    throw new InputError(
      `report ${shown} is a results file, not a report: compare it (\`perf-gate compare --baseline <file> --current ${shown}\`) or gate it (\`perf-gate run --results ${shown}\`), with --html <file>`
    )
  }
  const problems = schemaProblems('report', data)
  if (problems.length > 0) {
    throw new InputError(
      `report ${shown} is not a perf-gate report:\n  ${problems
        .slice(0, 5)
        .map((p) => p.message)
        .join('\n  ')}`
    )
  }
  return data as GateReport
}
