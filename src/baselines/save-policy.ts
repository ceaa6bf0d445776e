/**
 * Whether this run may write a baseline. Baselines come only from complete runs of trusted code on the default
 * branch, or from an explicit promotion; never from pull requests, tags or forks.
 */
import type { RunContext } from '../context.js'

export interface SaveRequest {
  /** auto: save on a push to the default branch; promote: an explicit promotion (workflow_dispatch, CLI); never. */
  mode: 'auto' | 'promote' | 'never'
  /** The run completed and its results are valid. */
  complete: boolean
  /** Why these results, though complete, must not become a baseline (e.g. its requests failed beyond the budget). */
  notABaseline?: string
}

export interface SaveDecision {
  save: boolean
  reason: string
  /** An explicit promotion (workflow_dispatch, the CLI): the only save that may pin a name (`promote-as`). */
  promotion?: boolean
}

export function decideBaselineSave(context: RunContext, request: SaveRequest): SaveDecision {
  if (!request.complete) return { save: false, reason: 'the run did not complete, so its results are not a baseline' }
  if (request.notABaseline) return { save: false, reason: request.notABaseline }
  if (request.mode === 'never') return { save: false, reason: 'saving baselines is turned off' }
  const event = context.event
  if (event === 'pull_request' || event === 'pull_request_target' || context.pullRequest) {
    return { save: false, reason: 'pull request runs never write baselines' }
  }
  if (context.ref?.startsWith('refs/tags/')) return { save: false, reason: 'tag builds never write baselines' }
  if (request.mode === 'promote') {
    if (event === 'local' || event === 'workflow_dispatch') return { save: true, reason: 'explicit promotion', promotion: true }
    // `promote: true` left on for every event must not cost a push its usual save: the push is judged as one.
    const asUsual = decideBaselineSave(context, { ...request, mode: 'auto' })
    const ignored = `promotion is only allowed from workflow_dispatch or the CLI, not from ${event}`
    return {
      ...asUsual,
      reason: asUsual.save ? `${asUsual.reason}; ${ignored}, so this is the usual save, pinned under no name` : `${ignored}; ${asUsual.reason}`
    }
  }
  if (event === 'local') return { save: false, reason: 'local runs save only with --save-baseline' }
  if (event !== 'push') return { save: false, reason: `${event} runs do not write baselines (only pushes to the default branch)` }
  if (!context.defaultBranch) return { save: false, reason: 'the default branch is unknown (no repository in the event payload)' }
  if (context.ref !== `refs/heads/${context.defaultBranch}`) {
    return { save: false, reason: `${context.ref ?? 'this ref'} is not the default branch ${context.defaultBranch}` }
  }
  return { save: true, reason: `push to the default branch ${context.defaultBranch}` }
}
