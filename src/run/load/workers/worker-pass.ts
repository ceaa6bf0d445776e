/**
 * One load pass spread over generator worker threads (`workers: N`), for targets that scale past what one
 * JavaScript thread can send (~80–90 k req/s on a fast core). Each worker runs its share (split-pass.ts) with its
 * own connections, pacer and recorders; the main thread starts them together once all are loaded, forwards a
 * cancellation, and adds their histograms bucket by bucket (exact, as shard merges are) into the pass's recorders.
 * A worker that fails fails the pass, naming it; every worker is terminated on every path.
 */
import { Worker } from 'node:worker_threads'
import { RunError } from '../../../errors.js'
import { combineGeneratorHealth } from '../generator-health.js'
import { runLoadPass, type LoadPassOptions, type LoadPassOutcome } from '../load-pass.js'
import type { RecorderCounts } from '../trial-recorder.js'
import { splitPass, type WorkerPassPlan } from './split-pass.js'
import type { FromWorker, ToWorker, WorkerInit, WorkerOutcome } from './worker-messages.js'

/** The counts every progress line reads: a recorder's, or the sum of the workers' latest. */
export interface LiveCounts {
  readonly completed: number
  readonly attempted: number
  readonly failed: number
}

/** The workers' latest counts, summed (they arrive a few times a second while the pass runs). */
export class WorkerCounts implements LiveCounts {
  private readonly latest: RecorderCounts[] = []

  update(worker: number, counts: RecorderCounts): void {
    this.latest[worker] = counts
  }

  private sum(pick: (counts: RecorderCounts) => number): number {
    return this.latest.reduce((total, counts) => total + (counts ? pick(counts) : 0), 0)
  }

  get completed(): number {
    return this.sum((counts) => counts.succeeded + counts.unexpectedStatus)
  }
  get attempted(): number {
    return this.sum((counts) => counts.succeeded + counts.unexpectedStatus + counts.timeouts + counts.connectionErrors)
  }
  get failed(): number {
    return this.sum((counts) => counts.unexpectedStatus + counts.timeouts + counts.connectionErrors)
  }
}

/**
 * Runs `options` on `workers` threads (on this thread when the pass is too small to split, or workers is 1) and
 * records into its recorders as one generator would. `counts` follows the workers while they run.
 */
export async function runLoadPassOnWorkers(options: LoadPassOptions, workers: number, counts?: WorkerCounts): Promise<LoadPassOutcome> {
  const { recorder, signal, measured, ...rest } = options
  const plan: WorkerPassPlan = { ...rest, ...(measured ? { measuredWindows: measured.windows } : {}) }
  const shares = splitPass(plan, workers)
  if (shares.length === 1) return runLoadPass(options)
  const endpointNames = options.endpoints.map((endpoint) => endpoint.name)
  const threads = shares.map((share) => startWorker({ plan: share, endpointNames, parts: measured?.recorders.length ?? 0 }))
  const stopAll = (): void => {
    for (const thread of threads) thread.send({ type: 'stop' })
  }
  try {
    await Promise.all(threads.map((thread) => thread.ready))
    threads.forEach((thread, index) => thread.onCounts((latest) => counts?.update(index, latest)))
    signal?.addEventListener('abort', stopAll, { once: true })
    for (const thread of threads) thread.send({ type: 'go' })
    if (signal?.aborted) stopAll()
    const done = await Promise.all(
      threads.map((thread) =>
        thread.done.catch((error: Error) => {
          // One worker failing ends the pass: the others stop now rather than at their deadline.
          stopAll()
          throw error
        })
      )
    )
    for (const { recorder: snapshot, parts } of done) {
      recorder.absorb(snapshot)
      parts.forEach((part, index) => measured?.recorders[index]?.absorb(part))
    }
    return combineOutcomes(done.map((result) => result.outcome))
  } finally {
    signal?.removeEventListener('abort', stopAll)
    await Promise.all(threads.map((thread) => thread.terminate()))
  }
}

function combineOutcomes(outcomes: WorkerOutcome[]): LoadPassOutcome {
  return {
    startedAt: new Date(Math.min(...outcomes.map((outcome) => Date.parse(outcome.startedAt)))),
    durationSeconds: Math.max(...outcomes.map((outcome) => outcome.durationSeconds)),
    cancelled: outcomes.some((outcome) => outcome.cancelled),
    lateSends: outcomes.reduce((total, outcome) => total + outcome.lateSends, 0),
    service: {
      totalMs: outcomes.reduce((total, outcome) => total + outcome.service.totalMs, 0),
      count: outcomes.reduce((total, outcome) => total + outcome.service.count, 0)
    },
    stoppedFailing: outcomes.some((outcome) => outcome.stoppedFailing),
    generator: combineGeneratorHealth(outcomes.map((outcome) => outcome.generator))
  }
}

type Done = Extract<FromWorker, { type: 'done' }>

interface WorkerThread {
  ready: Promise<void>
  done: Promise<Done>
  send(message: ToWorker): void
  onCounts(listener: (counts: RecorderCounts) => void): void
  terminate(): Promise<void>
}

function startWorker(init: WorkerInit): WorkerThread {
  const { script, evaluated } = workerScript()
  const worker = new Worker(script, { eval: evaluated, workerData: init })
  const name = `load generator worker ${init.plan.stride!.offset + 1} of ${init.plan.stride!.every}`
  let countsListener: ((counts: RecorderCounts) => void) | undefined
  let markReady!: () => void
  let settle!: { resolve: (done: Done) => void; reject: (error: Error) => void }
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const done = new Promise<Done>((resolve, reject) => (settle = { resolve, reject }))
  // Rejections are read by whoever awaits; until then they must not count as unhandled.
  done.catch(() => undefined)
  let finished = false
  const fail = (message: string): void => {
    if (finished) return
    finished = true
    settle.reject(new RunError(`${name}: ${message}`))
    markReady()
  }
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'ready') markReady()
    else if (message.type === 'counts') countsListener?.(message.counts)
    else if (message.type === 'failed') fail(message.message)
    else if (!finished) {
      finished = true
      settle.resolve(message)
    }
  })
  worker.on('error', (error) => fail(error.message))
  worker.on('exit', (code) => fail(`stopped (exit code ${code}) before its pass ended`))
  return {
    // A worker that failed while loading is ready in the sense that waiting is over; `done` carries its error.
    ready: ready.then(() => (finished ? done.then(() => undefined) : undefined)),
    done,
    send: (message) => worker.postMessage(message),
    onCounts: (listener) => (countsListener = listener),
    terminate: async () => {
      finished = true
      await worker.terminate()
    }
  }
}

/**
 * The worker's code: from the bundles (dist/), its own bundle beside this one (dist/load-worker.js). From the
 * sources (tests and benches under tsx) a worker thread does not inherit tsx's loader, so a line of script
 * registers it and imports the TypeScript entry.
 */
function workerScript(): { script: string | URL; evaluated: boolean } {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return { script: new URL('./load-worker.js', here), evaluated: false }
  const entry = new URL('./load-worker.ts', here).href
  return { script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`, evaluated: true }
}
