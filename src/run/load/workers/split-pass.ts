/**
 * One pass of load split over generator worker threads: every worker runs the same endpoints for the same time,
 * with its share of the connections (and of a request count), and takes every n-th request of the one arrival
 * schedule (open loop) or every n-th user of the one ramp (users stages), so that together they send exactly the
 * load of one generator, spread over cores. Pure: what crosses to a worker is this plain data.
 */
import type { LoadPassOptions } from '../load-pass.js'
import type { MeasuredWindow } from '../load-shape.js'
import { evenShare } from '../even-share.js'

/** What a worker thread needs to run its share of a pass (no recorder, signal or functions: it crosses threads). */
export type WorkerPassPlan = Omit<LoadPassOptions, 'recorder' | 'signal' | 'measured'> & {
  /** The shape's measured spans, recorded per part in the worker. */
  measuredWindows?: MeasuredWindow[]
}

/**
 * The workers a pass can use: never more than its connections (every worker holds at least one) or its request
 * count.
 */
export function usableWorkers(plan: Pick<WorkerPassPlan, 'connections' | 'requests'>, requested: number): number {
  return Math.max(1, Math.min(requested, plan.connections, plan.requests ?? Infinity))
}

/** Each worker's share of `plan`, for `requested` workers (fewer when the pass is too small to split). */
export function splitPass(plan: WorkerPassPlan, requested: number): WorkerPassPlan[] {
  const count = usableWorkers(plan, requested)
  return Array.from({ length: count }, (_, offset): WorkerPassPlan => {
    const share: WorkerPassPlan = { ...plan, connections: evenShare(plan.connections, offset, count), stride: { every: count, offset } }
    if (plan.requests !== undefined) share.requests = evenShare(plan.requests, offset, count)
    return share
  })
}
