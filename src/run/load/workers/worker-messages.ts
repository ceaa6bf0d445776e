/** What the main thread and a generator worker thread say to each other (structured-cloned plain data). */
import type { GeneratorHealth } from '../../../results/model.js'
import type { RecorderCounts, RecorderSnapshot } from '../trial-recorder.js'
import type { WorkerPassPlan } from './split-pass.js'

/** The worker's `workerData`. */
export interface WorkerInit {
  plan: WorkerPassPlan
  endpointNames: string[]
  /** Recorders for the shape's measured parts. */
  parts: number
}

/** Main → worker: start the pass (all workers at once, when all are ready), or stop it early (cancelled). */
export type ToWorker = { type: 'go' } | { type: 'stop' }

/** A pass's outcome as data: the start time as an ISO string. */
export interface WorkerOutcome {
  startedAt: string
  durationSeconds: number
  cancelled: boolean
  lateSends: number
  service: { totalMs: number; count: number }
  stoppedFailing: boolean
  generator: GeneratorHealth
}

/** Worker → main: loaded; counts while running (progress lines); the pass's outcome and recordings; a failure. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'counts'; counts: RecorderCounts }
  | { type: 'done'; outcome: WorkerOutcome; recorder: RecorderSnapshot; parts: RecorderSnapshot[] }
  | { type: 'failed'; message: string }
