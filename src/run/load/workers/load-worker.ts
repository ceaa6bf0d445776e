/**
 * A generator worker thread's entry (bundled on its own as dist/load-worker.js): runs its share of one load pass
 * with its own connections and recorders (microsecond stamps, as on the main thread), and sends back what it
 * recorded when the pass ends. See worker-pass.ts for the main thread's side.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { runLoadPass } from '../load-pass.js'
import { TrialRecorder } from '../trial-recorder.js'
import type { FromWorker, ToWorker, WorkerInit } from './worker-messages.js'

/** How often counts go to the main thread for its progress lines. */
const COUNTS_INTERVAL_MS = 250

if (!parentPort) throw new Error('load-worker.js runs as a worker thread of perf-gate, not on its own')
const port: MessagePort = parentPort
const init = workerData as WorkerInit
const controller = new AbortController()
const post = (message: FromWorker): void => port.postMessage(message)

port.on('message', (message: ToWorker) => {
  if (message.type === 'go') void run()
  else controller.abort()
})
post({ type: 'ready' })

async function run(): Promise<void> {
  const recorder = new TrialRecorder(init.endpointNames)
  const parts = Array.from({ length: init.parts }, () => new TrialRecorder(init.endpointNames))
  const ticker = setInterval(() => post({ type: 'counts', counts: recorder.counts() }), COUNTS_INTERVAL_MS)
  try {
    const { measuredWindows, ...plan } = init.plan
    const outcome = await runLoadPass({
      ...plan,
      recorder,
      signal: controller.signal,
      ...(measuredWindows ? { measured: { windows: measuredWindows, recorders: parts } } : {})
    })
    post({
      type: 'done',
      outcome: { ...outcome, startedAt: outcome.startedAt.toISOString() },
      recorder: recorder.snapshot(),
      parts: parts.map((part) => part.snapshot())
    })
  } catch (error) {
    post({ type: 'failed', message: (error as Error).message })
  } finally {
    clearInterval(ticker)
    recorder.destroy()
    for (const part of parts) part.destroy()
    port.close()
  }
}
